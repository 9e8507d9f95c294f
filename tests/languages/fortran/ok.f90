program ok
  print '(a)', 'OK'
end program ok
