# attack: resolve names through DNS (the host's resolver, 8.8.8.8) and read resolv.conf
# why: DNS is the classic exfiltration channel out of "offline" sandboxes
# expect: status=OK
# stdout: DNS BLOCKED
# absent: RESOLVED
import socket
try:
    print("RESOLVED", socket.getaddrinfo("deb.debian.org", 80)[:1])
except OSError as e:
    print("DNS BLOCKED", e)
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x00\x00\x01\x00\x01", ("8.8.8.8", 53))
    print("RESOLVED query sent")
except OSError as e:
    print("query BLOCKED", e.errno)
try:
    print("resolv.conf:", open("/etc/resolv.conf").read().split())
except OSError:
    print("no resolv.conf")
