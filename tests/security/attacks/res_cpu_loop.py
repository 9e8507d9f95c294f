# attack: an endless busy loop
# why: CPU exhaustion; the run must stop at its CPU limit (500 ms here) and free the slot
# limits: run_cpu_time=500 run_timeout=3000
# expect: status=TO
# stdout: SPINNING
print("SPINNING", flush=True)
while True:
    pass
