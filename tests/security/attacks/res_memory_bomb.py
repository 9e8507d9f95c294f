# attack: allocate and touch memory without end (64 MiB limit here)
# why: one run must not take the host's memory; the kernel's OOM killer in its cgroup ends it
# limits: run_memory_limit=67108864
# expect: status=ML
# stdout: ALLOCATING
print("ALLOCATING", flush=True)
x = []
while True:
    x.append(bytearray(1 << 20))
