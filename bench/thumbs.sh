#!/usr/bin/env bash
# Thumbnails side by side with copyparty, in one run (not part of CI):
#   (1) cold: N JPEG photos of 4000x3000 to thumbnails, C requests at a time -> thumbnails/s and the server's peak RSS
#   (2) cached: one thumbnail that is already made, wrk -t2 -c32 -> req/s
# Each cold run starts a fresh server over an empty thumbnail cache; RUNS runs per server, medians reported.
#
#   CPP_SRC=/work/cpp-src bench/thumbs.sh          (N=1000 RUNS=3 C=4 FMT=w by default)
#
# copyparty makes image thumbnails with Pillow (python3-pil) and needs it installed; both servers use the machine's
# ffmpeg for anything else (not exercised here: JPEG only). FMT=w asks for webp (what browsers ask for), FMT=j jpeg.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-1000}
RUNS=${RUNS:-3}
C=${C:-4}
FMT=${FMT:-w}
CPP_SRC=${CPP_SRC:-/work/cpp-src}
PY=${PY:-/usr/bin/python3} # Debian's python, where python3-pil and python3-jinja2 install
work=${BENCH_WORK:-/tmp/sp-thumbs-bench}
build=$work/build
"$PY" -c "import PIL" 2>/dev/null || { echo "bench: copyparty needs Pillow (apt-get install python3-pil)" >&2; exit 2; }
[[ -f "$CPP_SRC/copyparty/__main__.py" ]] || { echo "bench: set CPP_SRC to a copyparty source tree" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench: needs wrk" >&2; exit 2; }

mkdir -p "$work"
dotnet publish "$repo/src/SharpParty" -c Release -o "$build" >/dev/null

# ten distinct photos (noise, so they compress like real ones: ~2-4 MiB each), hard-linked to N names per server
photos=$work/photos
if [[ ! -f "$photos/9.jpg" ]]; then
    mkdir -p "$photos"
    for i in $(seq 0 9); do
        ffmpeg -v error -nostdin -y -f lavfi -i "testsrc2=size=4000x3000:rate=1,noise=alls=$((10 + i)):allf=t" -frames:v 1 -q:v 3 "$photos/$i.jpg"
    done
fi
setup() { # folder
    rm -rf "$1"
    mkdir -p "$1"
    for i in $(seq 1 "$N"); do ln "$photos/$((i % 10)).jpg" "$1/p$i.jpg"; done
}

port=39$((RANDOM % 90 + 10))
start() { # name dir -> sets pid
    case $1 in
        ours) "$build/sharpparty" -i 127.0.0.1 -p "$port" -q -v "$2::r" >/dev/null 2>&1 & ;;
        copyparty) (cd "$CPP_SRC" && exec "$PY" -m copyparty -i 127.0.0.1 -p "$port" -q -v "$2::r") >/dev/null 2>&1 & ;;
    esac
    pid=$!
    for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && return; sleep 0.1; done
    echo "bench: $1 did not start" >&2
    exit 1
}
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
peak_mib() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

declare -A rate rss cached rates peaks
# runs alternate between the servers, so that a change in the machine's load touches both alike
for run in $(seq 1 "$RUNS"); do
    for name in copyparty ours; do
        dir=$work/data-$name
        setup "$dir"
        start "$name" "$dir"
        t0=$(date +%s.%N)
        seq 1 "$N" | xargs -P "$C" -I{} curl -s -o /dev/null -w '%{http_code} %{content_type}\n' "http://127.0.0.1:$port/p{}.jpg?th=$FMT" >"$work/codes"
        t1=$(date +%s.%N)
        ok=$(grep -c "^200 image/\(webp\|jpeg\)" "$work/codes" || true)
        [[ $ok -eq $N ]] || echo "bench: $name gave $ok thumbnails of $N: $(sort "$work/codes" | uniq -c | head -3)" >&2
        r1=$(echo "$N / ($t1 - $t0)" | bc -l)
        p1=$(peak_mib "$pid")
        rates[$name]+="$r1 "
        peaks[$name]+="$p1 "
        echo "$name run $run: $(printf '%.1f' "$r1") thumbnails/s, peak RSS $p1 MiB, load $(cut -d' ' -f1 /proc/loadavg)" >&2
        if [[ $run -eq $RUNS ]]; then
            url="http://127.0.0.1:$port/p1.jpg?th=$FMT"
            wrk -t2 -c32 -d3s "$url" >/dev/null 2>&1 || true # warm-up
            cached[$name]=$(for _ in 1 2 3; do wrk -t2 -c32 -d8s "$url" | awk '/Requests\/sec/ {print $2}'; done | median)
            echo "$name cached: ${cached[$name]} req/s" >&2
        fi
        stop
    done
done
for name in copyparty ours; do
    rate[$name]=$(printf '%s\n' ${rates[$name]} | median)
    rss[$name]=$(printf '%s\n' ${peaks[$name]} | median)
done

r() { echo "scale=2; $1 / $2" | bc -l; }
cat <<EOF

thumbnails: $N JPEG 4000x3000 -> ?th=$FMT, $C at a time, median of $RUNS cold runs; cached: wrk -t2 -c32 8 s, median of 3
commit $(git -C "$repo" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)

| metric | better | copyparty | ours | ours / copyparty |
|---|---|---|---|---|
| cold thumbnails/s | higher | $(printf '%.1f' "${rate[copyparty]}") | $(printf '%.1f' "${rate[ours]}") | $(r "${rate[ours]}" "${rate[copyparty]}") |
| peak RSS MiB (cold run) | lower | ${rss[copyparty]} | ${rss[ours]} | $(r "${rss[ours]}" "${rss[copyparty]}") |
| cached thumbnail req/s | higher | ${cached[copyparty]} | ${cached[ours]} | $(r "${cached[ours]}" "${cached[copyparty]}") |
EOF
