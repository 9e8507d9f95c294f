program exit3
  stop 3
end program exit3
