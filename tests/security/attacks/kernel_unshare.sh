# attack: the unshare(1) and nsenter(1) tools: a user namespace mapped to root, nsenter pid 1
# why: the same from the shell, the first thing an exploit script tries
# expect: status=OK
# stdout: DONE
# absent: INSIDE-NS
unshare -Ur id -u 2>/dev/null && echo INSIDE-NS unshare
unshare -m true 2>/dev/null && echo INSIDE-NS mount
nsenter -t 1 -a true 2>/dev/null && echo INSIDE-NS nsenter
echo DONE
