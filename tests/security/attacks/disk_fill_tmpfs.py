# attack: fill /tmp, then /box, until the file system refuses
# why: disk exhaustion on the host (the runs' tmpfs must be size-capped: 8 MiB here)
# expect: status=OK
# stdout: tmp FULL
# stdout: box FULL
# absent: UNBOUNDED
import errno, os
chunk = b"\0" * (1 << 20)
for name, d in (("tmp", "/tmp"), ("box", "/box")):
    n = 0
    try:
        for i in range(10000):
            with open(f"{d}/fill{i}", "wb") as f:
                f.write(chunk)
                n += 1
            if n > 64:
                break
        print(name, "UNBOUNDED", n, "MiB")
    except OSError as e:
        print(name, "FULL" if e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) else "ERR",
              n, "MiB", e.errno)
    for i in range(n + 1):
        try:
            os.unlink(f"{d}/fill{i}")
        except OSError:
            pass
