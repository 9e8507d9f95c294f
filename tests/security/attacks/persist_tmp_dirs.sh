# attack: from bash, leave files and a hidden folder in every writable place, then look for them
# why: exec runs get fresh tmpfs each time; a reused one would carry data between users
# repeat: 3
# expect: status=OK
# stdout: LEFT
# absent: FOUND-EARLIER
for d in /tmp /var/tmp /dev/shm /box "${HOME:-/box}"; do
    [ -e "$d/.kiln-persist" ] && echo "FOUND-EARLIER $d"
done
for d in /tmp /var/tmp /dev/shm /box "${HOME:-/box}"; do
    mkdir -p "$d/.kiln-persist" 2>/dev/null && echo data > "$d/.kiln-persist/f" 2>/dev/null
done
echo LEFT
