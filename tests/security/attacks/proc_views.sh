# attack: ps and /proc from bash: look for the server, the keeper, zygotes and other slots
# why: seeing the host's processes is the first step to attacking them
# expect: status=OK
# stdout: ONLY-OWN
# absent: OTHER-VISIBLE
# absent: kiln serve
# absent: kiln-zygote
mine=$(id -u)
others=""
for d in /proc/[0-9]*; do
    u=$(awk '/^Uid:/ { print $2 }' "$d/status" 2>/dev/null) || continue
    [ -n "$u" ] || continue
    if [ "$u" != "$mine" ]; then others="$others ${d#/proc/}:$(tr '\0' ' ' < "$d/cmdline" 2>/dev/null)"; fi
done
if [ -n "$others" ]; then echo "OTHER-VISIBLE $others"; else echo ONLY-OWN; fi
