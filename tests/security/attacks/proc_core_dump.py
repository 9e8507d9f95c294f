# attack: os.abort() from warm python after asking for a core dump
# why: a warm child must not dump the interpreter's memory (shared with the zygote) anywhere
# expect: status=SG signal=SIGABRT
# stdout: ASKED
# absent: CORE-RAISED
import os, resource
try:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    print("CORE-RAISED")
except (ValueError, OSError) as e:
    print("refused", e)
print("ASKED", resource.getrlimit(resource.RLIMIT_CORE), flush=True)
os.abort()
