# attack: write where a later run would execute or import from: /usr, /etc, /bin, site-packages
# why: a writable toolchain would let one run trojan every later run (and the host's own tools)
# expect: status=OK
# stdout: DONE
# absent: WROTE
import os, sys, sysconfig
targets = ["/usr/bin/kiln-trojan", "/etc/kiln-trojan", "/bin/kiln-trojan", "/usr/lib/kiln-trojan",
           os.path.join(sysconfig.get_paths()["purelib"], "sitecustomize.py"),
           os.path.join(os.path.dirname(os.__file__), "kiln_trojan.py"), "/kiln-trojan"]
for t in targets:
    try:
        with open(t, "w") as f:
            f.write("print('trojan')")
        print("WROTE", t)
    except OSError as e:
        print("BLOCKED", t, e.errno)
print("DONE")
