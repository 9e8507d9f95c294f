# attack: UDP datagrams to a host loopback port, to port 53 and over IPv6 loopback
# why: UDP needs no handshake: a single datagram out is enough to exfiltrate or to attack
# setup: udp_listener
# expect: status=OK
# stdout: BLOCKED
# absent: SENT
import socket
for fam, addr in ((socket.AF_INET, ("127.0.0.1", @UDP_PORT@)), (socket.AF_INET, ("127.0.0.1", 53)),
                  (socket.AF_INET6, ("::1", @UDP_PORT@))):
    try:
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.sendto(b"from the jail", addr)
        print("SENT", addr)
    except OSError as e:
        print("BLOCKED", addr, e.errno)
