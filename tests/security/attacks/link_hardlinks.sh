# attack: hard-link host files into the box (setuid binaries, /etc/passwd, the kiln binary)
# why: a hard link keeps a file alive and writable under a new name (CVE-2009-0115 style);
#   across a read-only bind it must fail (EXDEV), protected_hardlinks forbids the rest
# expect: status=OK
# stdout: DONE
# absent: LINKED
for src in /usr/bin/su /usr/bin/passwd /etc/passwd /etc/hosts /usr/bin/bash /proc/self/exe; do
    if ln "$src" "/box/hl-$(basename "$src")" 2>/dev/null; then
        echo "LINKED $src"
    else
        echo "refused $src"
    fi
    if ln "$src" "/tmp/hl-$(basename "$src")" 2>/dev/null; then echo "LINKED $src to /tmp"; fi
done
echo DONE
