# attack: replace print, open, __import__ and entries of sys.modules; patch the json, os and sys
#   modules; monkey-patch int.__add__ through ctypes-free means
# why: in a warm runtime every run must start from the zygote's pristine interpreter: the
#   next user's run sees none of this
# then: python
# expect: status=OK
# stdout: PATCHED
import builtins, json, os, sys
real_print = print
builtins.print = lambda *a, **k: real_print("HIJACKED", *a, **k)
builtins.sum = lambda *a: 0
builtins.open = None
json.dumps = lambda *a, **k: "HIJACKED"
os.environ["PYTHONSTARTUP"] = "/box/evil.py"
sys.modules["socket"] = None
sys.modules["json"] = None
sys.stdin = None
sys.argv.append("HIJACKED")
sys.setrecursionlimit(50)
import gc
gc.disable()
real_print("PATCHED")
