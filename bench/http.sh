#!/usr/bin/env bash
# HTTP load benchmark: starts `kiln serve` on a free loopback port and drives
# POST /api/v1/execute with wrk (Debian's) for each language given, printing
# requests/s, latency percentiles, non-2xx replies, and the server's peak
# memory (the server process and its descendants: zygotes, warm children),
# then the latency of one request at a time (wrk -c1).
#
#   bash bench/http.sh [KILN] [SECONDS] [CONNECTIONS] [LANG...]
# Defaults: build/kiln, 10 s, 20 connections, python.
set -euo pipefail
kiln=${1:-build/kiln}; secs=${2:-10}; conns=${3:-20}; shift $(( $# > 3 ? 3 : $# )) || true
langs=("$@"); [ ${#langs[@]} -gt 0 ] || langs=(python)
command -v wrk >/dev/null || { echo "bench: installing wrk" >&2; apt-get install -y -qq wrk >/dev/null; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
"$kiln" serve --listen "127.0.0.1:$port" --backlog 256 ${KILN_BENCH_SERVE_ARGS:-} >"$work/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done

# Sum of PSS (KiB) over the server and everything below it.
tree_pss() {
    local total=0 pid
    for pid in $(ps -e -o pid= --forest | awk '{print $1}'); do
        local p=$pid
        while [ "$p" -gt 1 ] && [ "$p" != "$server" ]; do p=$(awk '/^PPid:/{print $2}' /proc/$p/status 2>/dev/null || echo 1); done
        [ "$p" = "$server" ] && total=$((total + $(awk '/^Pss:/{print $2}' /proc/$pid/smaps_rollup 2>/dev/null || echo 0)))
    done
    echo "$total"
}

for lang in "${langs[@]}"; do
    case $lang in
        python|py) code='print(2 + 2)' ;;
        javascript|js|typescript|ts|node) code='console.log(2 + 2)' ;;
        *) code='echo 4' ;;
    esac
    body=$(python3 -c 'import json,sys; print(json.dumps({"code": sys.argv[1], "language": sys.argv[2]}))' "$code" "$lang")
    printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' "$body" > "$work/post.lua"
    # warm-up, then the measurement at CONNECTIONS, then one request at a time
    wrk -t2 -c"$conns" -d2s -s "$work/post.lua" "http://127.0.0.1:$port/api/v1/execute" >/dev/null
    idle=$(tree_pss)
    wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$work/post.lua" \
        "http://127.0.0.1:$port/api/v1/execute" >"$work/wrk.txt" &
    wrkpid=$!; peak=0
    while kill -0 $wrkpid 2>/dev/null; do p=$(tree_pss); [ "$p" -gt "$peak" ] && peak=$p; sleep 1; done
    wait $wrkpid
    wrk -t1 -c1 -d"${secs}s" --latency -s "$work/post.lua" \
        "http://127.0.0.1:$port/api/v1/execute" >"$work/seq.txt"
    rps=$(awk '/Requests\/sec/{print $2}' "$work/wrk.txt")
    p50=$(awk '$1=="50%"{print $2}' "$work/wrk.txt"); p99=$(awk '$1=="99%"{print $2}' "$work/wrk.txt")
    non2xx=$(awk '/Non-2xx/{print $NF}' "$work/wrk.txt"); errors=$(awk '/Socket errors/{print}' "$work/wrk.txt")
    seq50=$(awk '$1=="50%"{print $2}' "$work/seq.txt"); seq99=$(awk '$1=="99%"{print $2}' "$work/seq.txt")
    seqnon2xx=$(awk '/Non-2xx/{print $NF}' "$work/seq.txt")
    printf '%-11s c=%-3s %8s req/s  p50 %-8s p99 %-8s non-2xx %-5s PSS idle %5.1f MiB, peak %5.1f MiB %s\n' \
        "$lang" "$conns" "$rps" "$p50" "$p99" "${non2xx:-0}" "$(echo "$idle/1024" | bc -l)" \
        "$(echo "$peak/1024" | bc -l)" "$errors"
    printf '%-11s c=1   sequential: p50 %-8s p99 %-8s non-2xx %s\n' "$lang" "$seq50" "$seq99" \
        "${seqnon2xx:-0}"
done
