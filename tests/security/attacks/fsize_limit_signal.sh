# attack: dd a 4 MiB file with SIGXFSZ at its default action
# why: the kernel kills the writer with SIGXFSZ at the limit; the run must say so
# expect: status=OK
# stdout: KILLED-BY-XFSZ
# absent: WROTE-ALL
dd if=/dev/zero of=/box/big bs=1M count=4 2>/dev/null
rc=$?
if [ $rc -eq $((128 + 25)) ]; then echo "KILLED-BY-XFSZ rc=$rc"; else echo "WROTE-ALL rc=$rc"; fi
ls -l /box/big
