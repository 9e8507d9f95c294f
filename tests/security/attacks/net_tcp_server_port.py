# attack: connect to kiln's own HTTP port on loopback and submit a run from inside a run
# why: a run that reaches the service can use its keys' quota, or its admin routes
# expect: status=OK
# stdout: BLOCKED
# absent: CONNECTED
import socket
try:
    s = socket.create_connection(("127.0.0.1", @SERVER_PORT@), timeout=2)
    s.sendall(b"GET /api/v1/health HTTP/1.0\r\n\r\n")
    print("CONNECTED", s.recv(100))
except OSError as e:
    print("BLOCKED", type(e).__name__, e.errno)
