# attack: find setuid and file-capability binaries under /usr and run them for root
# why: a setuid binary (su, mount, passwd, newgrp, chfn) is the classic way back to root
# expect: status=OK
# stdout: NO-PRIVILEGE
# absent: GOT-ROOT
n=0
for f in $(find /usr/bin /usr/sbin /usr/lib/openssh /usr/libexec -perm -4000 -type f 2>/dev/null); do n=$((n + 1)); done
echo "setuid files: $n"
timeout 1 su -c id root </dev/null >/dev/null 2>&1
timeout 1 mount -t tmpfs x /box </dev/null >/dev/null 2>&1
timeout 1 newgrp root </dev/null >/dev/null 2>&1
uid=$(timeout 1 su -c 'id -u' root </dev/null 2>/dev/null)
if [ "$(id -u)" = 0 ] || [ "$uid" = 0 ] || [ -w /etc/passwd ] || grep -q ' /box tmpfs.* x ' /proc/mounts; then
    echo GOT-ROOT
else
    echo "NO-PRIVILEGE uid=$(id -u)"
fi
grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status
