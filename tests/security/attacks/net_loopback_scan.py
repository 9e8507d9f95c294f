# attack: scan the well-known ports and a few high ones on 127.0.0.1, ::1 and the host's addresses
# why: any port listening on the host is reachable unless the run has its own empty network
# setup: tcp_listener
# expect: status=OK
# stdout: SCANNED
# absent: OPEN
import socket
open_ports = []
ports = list(range(1, 1025, 37)) + [3000, 5432, 6379, 8080, @TCP_PORT@, @SERVER_PORT@]
for host in ("127.0.0.1", "::1", "10.0.2.2", "172.17.0.1", "169.254.169.254"):
    for port in ports:
        try:
            s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        except OSError:
            continue
        s.settimeout(0.05)
        if s.connect_ex((host, port)) == 0:
            open_ports.append((host, port))
        s.close()
if open_ports:
    print("OPEN", open_ports)
print("SCANNED")
