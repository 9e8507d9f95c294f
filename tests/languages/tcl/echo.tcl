foreach a $argv { puts $a }
puts -nonewline [read stdin]
