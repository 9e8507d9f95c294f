# attack: with ctypes, overwrite the interpreter's small-int cache (make 45 read as 44)
#   and the bytes of a shared interned string in this process's memory
# why: a warm child shares its pages copy-on-write with the zygote: writes must stay private
#   to this run, and the next run's 45 must be 45
# then: python
# expect: status=OK
# stdout: POKED
import ctypes, sys
forty_five = 45
ctypes.c_ssize_t.from_address(id(forty_five) + 24).value = 44  # ob_digit of the cached 45
s = "arg1"
buf = (ctypes.c_char * 4).from_address(id(s) + sys.getsizeof(s) - 5)
buf.value = b"XXXX"
print("POKED", 45 + 0)
