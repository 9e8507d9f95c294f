# attack: open device nodes beyond null/zero/random/urandom: memory, disks, the kernel log,
#   terminals, fuse, kvm, tun; and create one with mknod
# why: /dev/mem, a raw disk or /dev/kmsg read or write the host directly
# expect: status=OK
# stdout: DEV null random urandom zero
# stdout: mknod BLOCKED
# absent: OPENED
echo "DEV $(ls /dev | grep -vE '^(fd|stdin|stdout|stderr|pts|shm|ptmx|mqueue|core)$' | sort | tr '\n' ' ' | sed 's/ $//')"
for d in /dev/mem /dev/kmem /dev/port /dev/kmsg /dev/sda /dev/vda /dev/nvme0n1 /dev/fuse \
         /dev/kvm /dev/net/tun /dev/console /dev/tty0 /dev/loop0 /dev/uinput /dev/cpu/0/msr; do
    if [ -e "$d" ] && { exec 3<"$d"; } 2>/dev/null; then echo "OPENED $d"; exec 3<&-; fi
done
if mknod /box/mem c 1 1 2>/dev/null; then echo "mknod ALLOWED"; else echo "mknod BLOCKED"; fi
