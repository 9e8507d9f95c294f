# attack: read the host's /etc/shadow, gshadow and sudoers
# why: password hashes of the host; a jail that binds the host's /etc leaks them
# expect: status=OK
# stdout: shadow BLOCKED
# stdout: gshadow BLOCKED
# stdout: sudoers BLOCKED
# absent: ALLOWED
for name in ("shadow", "gshadow", "sudoers"):
    try:
        with open("/etc/" + name) as f:
            print(name, "ALLOWED", f.read(200))
    except OSError as e:
        print(name, "BLOCKED", e.errno)
