#!/usr/bin/env bash
# The web UI in headless Chromium (Debian's /usr/bin/chromium) against SharpParty, medians of N interleaved runs (not CI):
#   - time to an interactive listing of a 10,000-file folder (ms from navigation start, cold cache and warm)
#   - upload of one 1 GiB random file and of 2,000 files of 8 KiB through the page (the up2k uploader), side by side
#     with our command-line client `sharpparty up` against the same server; ratio = CLI time / page time (>= 0.7 wanted)
#
#   [SP=/path/to/sharpparty] bench/webui.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
work=${BENCH_DIR:-/tmp/sp-webui-bench}
port=${BENCH_PORT:-23317}
mkdir -p "$work/src/g1" "$work/src/small" "$work/list/many"
[[ -f $work/src/g1/1g.bin ]] || head -c 1073741824 /dev/urandom > "$work/src/g1/1g.bin"
if [[ $(find "$work/src/small" -type f | wc -l) -ne 2000 ]]; then
    python3 -c "import os
for i in range(2000):
    open('$work/src/small/f%04d.bin' % i, 'wb').write(os.urandom(8192))"
fi
if [[ $(find "$work/list/many" -type f | wc -l) -ne 10000 ]]; then
    python3 -c "
for i in range(10000):
    open('$work/list/many/file-%05d.txt' % i, 'w').write('x' * (i % 97))"
fi

# SP: a sharpparty executable (bench/run.sh's Native AOT build, as the other benches use); default: a Release JIT build
dotnet build bench/WebUiBench -c Release -v q -nologo >/dev/null
if [[ -n ${SP:-} ]]; then
    sp=("$SP")
else
    dotnet build src/SharpParty -c Release -v q -nologo >/dev/null
    sp=(dotnet src/SharpParty/bin/Release/net10.0/sharpparty.dll)
fi
ui=(dotnet bench/WebUiBench/bin/Release/net10.0/WebUiBench.dll)

start_server() { # $1 = folder to serve
    rm -rf "$work/state"; mkdir -p "$work/state"
    "${sp[@]}" -i 127.0.0.1 -p "$port" -v "$1::rw" -q --hist "$work/state/hist" --ses-db "$work/state/ses.db" >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0; sleep 0.1; done
    echo "server did not start" >&2; exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo '+changes'), load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
cold="" warm="" declare -A t
for round in $(seq "$runs"); do
    start_server "$work/list"
    line=$("${ui[@]}" listing "http://127.0.0.1:$port/many/")
    echo "  listing: $line" >&2
    read -r c w _ <<<"$line"
    cold+="$c "; warm+="$w "
    stop_server
    for set in g1 small; do
        for client in page cli; do
            rm -rf "$work/dst"; mkdir -p "$work/dst"
            start_server "$work/dst"
            if [[ $client == page ]]; then
                if [[ $set == g1 ]]; then s=$("${ui[@]}" upload "http://127.0.0.1:$port/" "$work/src/g1/1g.bin")
                else s=$("${ui[@]}" uploaddir "http://127.0.0.1:$port/" "$work/src/small"); fi
            else
                t0=$(date +%s.%N)
                if [[ $set == g1 ]]; then "${sp[@]}" up -q "http://127.0.0.1:$port/" "$work/src/g1/1g.bin" >/dev/null
                else "${sp[@]}" up -q "http://127.0.0.1:$port/" "$work/src/small" >/dev/null; fi
                s=$(echo "$(date +%s.%N) - $t0" | bc)
            fi
            stop_server
            if [[ $set == g1 ]]; then cmp -s "$work/src/g1/1g.bin" "$work/dst/1g.bin" || echo "MISMATCH ($set $client)" >&2
            else [[ $(find "$work/dst/small" -type f | wc -l) -eq 2000 ]] || echo "MISSING FILES ($set $client)" >&2; fi
            t[$set $client]+="$s "
        done
    done
done
printf 'listing 10,000 files, ms to interactive: cold %s, warm %s   (runs: %s/ %s)\n' "$(median <<<"$cold")" "$(median <<<"$warm")" "$cold" "$warm"
for set in g1 small; do
    p=$(median <<<"${t[$set page]}"); c=$(median <<<"${t[$set cli]}")
    printf '%-6s page %6.2fs  sharpparty up %6.2fs  cli/page %.2f   (page: %s; cli: %s)\n' "$set" "$p" "$c" "$(echo "$c / $p" | bc -l)" "${t[$set page]}" "${t[$set cli]}"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$work/dst" "$work/state"
