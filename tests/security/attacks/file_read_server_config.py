# attack: read the server's --config and --keys files and the folder beside them
# why: API keys and settings of the service (issue 5: no kiln configuration or keys visible)
# expect: status=OK
# stdout: config BLOCKED
# stdout: keys BLOCKED
# stdout: folder BLOCKED
# absent: ALLOWED
import os
for what, path in (("config", "@CONFIG_PATH@"), ("keys", "@KEYS_PATH@"),
                   ("folder", "@FIXTURE_DIR@/secret.txt")):
    try:
        with open(path) as f:
            print(what, "ALLOWED", f.read())
    except OSError as e:
        print(what, "BLOCKED", e.errno)
# the same paths through every /proc/PID/root the run can see
for pid in os.listdir("/proc"):
    if pid.isdigit():
        for path in ("@CONFIG_PATH@", "@KEYS_PATH@"):
            try:
                print("ALLOWED via", pid, open(f"/proc/{pid}/root{path}").read())
            except OSError:
                pass
