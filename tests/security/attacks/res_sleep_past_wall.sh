# attack: sleep far past the wall-time limit (800 ms here), using no CPU
# why: a sleeper holds a slot forever unless wall time is enforced
# limits: run_timeout=800
# expect: status=TO
# stdout: SLEEPING
echo SLEEPING
sleep 60
echo WOKE-UP
