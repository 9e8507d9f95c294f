# attack: write to stdout without end
# why: output floods fill the server's memory or the client; the output limit (64 KiB here)
#   stops the run as OL and keeps what fits
# expect: status=OL
# stdout: AAAAAAAA
import sys
while True:
    sys.stdout.write("A" * 65536)
