# attack: exhaust inodes of /tmp with empty files (no data, so a size cap alone would not stop it)
# why: inode exhaustion; the tmpfs must also be inode-capped
# expect: status=OK
# stdout: INODES-LIMITED
# absent: UNBOUNDED
cd /tmp || exit 1
i=0
while [ $i -lt 200000 ]; do
    : > "f$i" 2>/dev/null || { echo "INODES-LIMITED after $i"; exit 0; }
    i=$((i + 1))
done
echo "UNBOUNDED $i"
