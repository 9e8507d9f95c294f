(dolist (a (rest sb-ext:*posix-argv*))
  (write-line a))
(loop for line = (read-line *standard-input* nil)
      while line
      do (write-line line))
