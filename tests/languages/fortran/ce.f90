program ce
  integer :: x
  x = 'not a number'
end program ce
