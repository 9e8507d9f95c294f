# attack: the classic shell fork bomb :(){ :|:& };:
# why: it takes a host down in seconds without a process limit
# expect: status=OK
# stdout: SHELL-ALIVE
bomb() { bomb | bomb & }
bomb 2>/dev/null
echo SHELL-ALIVE
exit 0
