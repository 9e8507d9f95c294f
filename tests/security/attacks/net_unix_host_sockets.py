# attack: connect to a host unix socket by path and by abstract name, and to well-known ones
#   (docker, systemd, dbus, the kiln uid lock folder)
# why: AF_UNIX stays allowed; a host socket reachable from the jail (docker.sock) is root
# setup: unix_listener
# expect: status=OK
# stdout: DONE
# absent: CONNECTED
import socket
for addr in ("@UNIX_PATH@", "\0@ABSTRACT@", "/run/docker.sock", "/var/run/docker.sock",
             "/run/systemd/private", "/run/dbus/system_bus_socket", "/run/systemd/journal/socket",
             "/dev/log", "\0/org/kernel/linux/storage/multipathd"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.connect(addr)
        print("CONNECTED", repr(addr))
    except OSError as e:
        print("refused", repr(addr), e.errno)
    s.close()
print("DONE")
