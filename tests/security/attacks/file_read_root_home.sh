# attack: list and read root's home on the host (/root, its ssh keys and history)
# why: credentials of the host's administrator
# expect: status=OK
# stdout: root-home BLOCKED
# absent: ALLOWED
if ls -a /root >/dev/null 2>&1 && [ -n "$(ls -A /root 2>/dev/null)" ]; then
    echo "root-home ALLOWED $(ls -A /root | head -5 | tr '\n' ' ')"
else
    echo "root-home BLOCKED"
fi
for f in /root/.ssh/id_rsa /root/.ssh/authorized_keys /root/.bash_history /root/.pyenv; do
    [ -e "$f" ] && echo "ALLOWED $f"
done
exit 0
