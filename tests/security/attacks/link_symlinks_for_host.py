# attack: leave symlinks to host secrets where the host might follow them after the run:
#   in /box (sent back after a compile), /tmp, named like files the host writes
# why: Judge0 CVE-2024-28185: the host followed a symlink left in the box and wrote as root
# expect: status=OK
# stdout: MADE
# absent: READ-THROUGH
import os
for d in ("/box", "/tmp", "/dev/shm"):
    for name, target in (("shadow-link", "/etc/shadow"), ("root-link", "/proc/1/root"),
                         ("host-keys", "@KEYS_PATH@"), ("stdout", "/proc/self/fd/1"),
                         ("main", "/etc/passwd"), ("run.sh", "/usr/bin/id")):
        p = os.path.join(d, name)
        try:
            if os.path.lexists(p):
                os.unlink(p)
            os.symlink(target, p)
        except OSError as e:
            print("symlink", p, e.errno)
for p in ("/box/shadow-link", "/box/host-keys", "/box/root-link/etc/shadow"):
    try:
        print("READ-THROUGH", p, open(p).read(100))
    except OSError as e:
        print("dangling", p, e.errno)
print("MADE")
