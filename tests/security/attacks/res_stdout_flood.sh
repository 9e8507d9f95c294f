# attack: yes(1) on stdout and stderr at once
# why: two floods at once must both be capped, and the run end as OL
# expect: status=OL
# stdout: y
yes >&2 &
exec yes
