program echo
  implicit none
  character(len=4096) :: buf
  integer :: i, n, ios
  do i = 1, command_argument_count()
    call get_command_argument(i, buf, n)
    print '(a)', buf(1:n)
  end do
  do
    read (*, '(a)', iostat=ios) buf
    if (ios /= 0) exit
    print '(a)', trim(buf)
  end do
end program echo
