.( OK) cr bye
