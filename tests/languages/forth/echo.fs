: args ( -- ) begin next-arg dup while type cr repeat 2drop ;
create buf 4096 allot
: copy ( -- ) begin buf 4096 stdin read-file throw dup while buf swap type repeat drop ;
args copy bye
