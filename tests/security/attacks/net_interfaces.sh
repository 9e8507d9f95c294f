# attack: look for a network interface other than lo, and try to bring lo up or add an address
# why: the run's network namespace must be empty (no veth to the host)
# expect: status=OK
# stdout: ONLY-LO
# absent: OTHER-INTERFACE
ifs=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev 2>/dev/null | tr '\n' ' ')
case "$ifs" in
    ""|"lo ") echo "ONLY-LO [$ifs]" ;;
    *) echo "OTHER-INTERFACE [$ifs]" ;;
esac
cat /proc/net/route 2>/dev/null | tail -n +2 | head -3
exit 0
