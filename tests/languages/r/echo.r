for (a in commandArgs(trailingOnly = TRUE)) cat(a, "\n", sep = "")
lines <- readLines(file("stdin"))
writeLines(lines)
