# attack: bash's /dev/tcp and /dev/udp redirections to host loopback listeners
# why: no socket program is needed: bash opens TCP connections itself
# setup: tcp_listener udp_listener
# expect: status=OK
# stdout: tcp BLOCKED
# stdout: udp BLOCKED
# absent: CONNECTED
if (exec 3<>/dev/tcp/127.0.0.1/@TCP_PORT@) 2>/dev/null; then echo "tcp CONNECTED"; else echo "tcp BLOCKED"; fi
if (exec 3<>/dev/udp/127.0.0.1/@UDP_PORT@ && echo hi >&3) 2>/dev/null; then echo "udp CONNECTED"; else echo "udp BLOCKED"; fi
if (exec 3<>/dev/tcp/127.0.0.1/@SERVER_PORT@) 2>/dev/null; then echo "server CONNECTED"; fi
exit 0
