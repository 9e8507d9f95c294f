# attack: nohup, disown and setsid a sleeper holding the run's stdout open
# why: a child that keeps stdout open must neither outlive the run nor stall its end
# expect: status=OK
# stdout: PARENT-DONE
nohup sleep 60 &
disown
setsid sleep 60 &
( trap '' HUP TERM; exec sleep 60 ) &
echo PARENT-DONE
