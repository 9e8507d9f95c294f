# attack: leave files in /tmp, /var/tmp, /dev/shm, /box and $HOME for a later run to find
# why: persistence between users' runs (a later run reads or trusts what an earlier one left)
# repeat: 3
# expect: status=OK
# stdout: LEFT
# absent: FOUND-EARLIER
import os
dirs = ["/tmp", "/var/tmp", "/dev/shm", "/box", os.environ.get("HOME") or "/box"]
for d in dirs:
    p = os.path.join(d, "kiln-persist-marker")
    if os.path.exists(p):
        print("FOUND-EARLIER", p, open(p).read())
for d in dirs:
    try:
        with open(os.path.join(d, "kiln-persist-marker"), "w") as f:
            f.write("left by an earlier run")
        os.makedirs(os.path.join(d, ".cache/kiln-persist"), exist_ok=True)
    except OSError as e:
        print("unwritable", d, e.errno)
print("LEFT")
