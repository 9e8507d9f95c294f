# attack: fill /dev/shm and /tmp (memory-backed tmpfs) to take memory outside any process
# why: tmpfs pages belong to no process; they must be charged to the run and capped
# expect: status=OK
# stdout: shm FULL
# stdout: tmp FULL
# absent: UNBOUNDED
for d in /dev/shm /tmp; do
    if dd if=/dev/zero of="$d/fill" bs=1M count=200 2>/dev/null; then
        echo "$(basename $d) UNBOUNDED"
    else
        echo "$(basename $d) FULL $(du -m "$d/fill" | cut -f1) MiB"
    fi
    rm -f "$d/fill"
done
