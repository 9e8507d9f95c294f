# attack: write /proc/sys (core_pattern, hostname), /proc/sysrq-trigger, /sys and the cgroup
#   files; read the kernel log and kallsyms addresses
# why: core_pattern set to a pipe runs a program as root on the host (a known container escape);
#   cgroup release_agent was CVE-2022-0492
# expect: status=OK
# stdout: DONE
# absent: WROTE
# absent: KERNEL-ADDRESSES
import os
for path, data in (("/proc/sys/kernel/core_pattern", "|/box/x"), ("/proc/sys/kernel/hostname", "x"),
                   ("/proc/sysrq-trigger", "h"), ("/proc/sys/vm/drop_caches", "3"),
                   ("/sys/fs/cgroup/release_agent", "/box/x"),
                   ("/sys/fs/cgroup/memory/release_agent", "/box/x"), ("/sys/kernel/uevent_helper", "/box/x")):
    try:
        with open(path, "w") as f:
            f.write(data)
        print("WROTE", path)
    except OSError as e:
        print("refused", path, e.errno)
try:
    addrs = [l.split()[0] for l in open("/proc/kallsyms").read().splitlines()[:50]]
    if any(int(a, 16) for a in addrs):
        print("KERNEL-ADDRESSES", addrs[:3])
except OSError as e:
    print("kallsyms refused", e.errno)
try:
    print("WROTE? kmsg read", open("/dev/kmsg").read(10))
except OSError as e:
    print("kmsg refused", e.errno)
print("DONE")
