# attack: AF_NETLINK sockets: route (list interfaces, add addresses), audit, uevent, xfrm
# why: netlink is a large kernel surface (nf_tables CVE-2023-32233 and many others)
# expect: status=OK
# stdout: DONE
# absent: OPENED
# denied: socket
import socket
for name, proto in (("route", 0), ("audit", 9), ("uevent", 15), ("xfrm", 6), ("netfilter", 12)):
    try:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        s.bind((0, 0))
        print(name, "OPENED")
    except OSError as e:
        print(name, "refused", e.errno)
print("DONE")
