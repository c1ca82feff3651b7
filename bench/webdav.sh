#!/usr/bin/env bash
# bench/webdav.sh -- WebDAV (issue 7): SharpParty side by side with copyparty 1.15.9 in one run. Not part of CI.
#
#   CPP_SRC=/work/cpp-src bench/webdav.sh
#
# What is measured, servers interleaved in every round, RUNS rounds (default 5), medians with every sample printed:
#   propfind   PROPFIND Depth: 1 (no body: allprop) of a folder of PROPFIND_N (10,000) files of 256 B, curl, ms;
#              PF_SAMPLES (5) requests per server per round, after 3 warm-ups per server
#   up / down  rclone copy of SMALL_N (1,000) files of 1-16 KiB in 10 folders up to a new folder, and back down, s
#   replay     the requests rclone makes for those uploads (per file: MKCOL of its folder, PUT, PROPFIND Depth: 0),
#              sent by curl 4 at a time with no pause between them, s: rclone 1.60 (Debian 12) starts at most one
#              webdav call per 10 ms whatever the server does (pacer_min_sleep came in 1.63), so "up" (3 calls a
#              file) and "down" (1 GET a file) are mostly the client's own floor; this shows the servers' part
#   put / get  a BIG_MIB (1024) MiB file through rclone copyto, MiB/s
# Ratios are ours / copyparty for times (lower is better) and for MiB/s (higher is better).
# Both servers: -q -i 127.0.0.1 -v ROOT::rwmd, anonymous; rclone: an on-the-fly :webdav: remote with --webdav-url and
# --webdav-vendor VENDOR (default other), an empty config file. Data on /dev/shm (BENCH_WORK), so the disk is not measured.
# Only the PIDs this script started are signalled. Every loop is bounded.
#
# env: CPP_SRC (/work/cpp-src), CPP_PYTHON (python3), SP_BIN (a sharpparty executable; default: a Release build here),
#      BENCH_WORK (/dev/shm/sp-davbench), RUNS (5), PF_SAMPLES (5), PROPFIND_N (10000), SMALL_N (1000), BIG_MIB (1024),
#      VENDOR (other), ONLY ("propfind small big": a subset), PORT_CPP (18991), PORT_SP (18992)
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CPP_SRC=${CPP_SRC:-/work/cpp-src}
CPP_PYTHON=${CPP_PYTHON:-python3}
WORK=${BENCH_WORK:-/dev/shm/sp-davbench}
RUNS=${RUNS:-5}
PF_SAMPLES=${PF_SAMPLES:-5}
PROPFIND_N=${PROPFIND_N:-10000}
SMALL_N=${SMALL_N:-1000}
BIG_MIB=${BIG_MIB:-1024}
VENDOR=${VENDOR:-other}
ONLY=${ONLY:-propfind small big}
PORT_CPP=${PORT_CPP:-18991}
PORT_SP=${PORT_SP:-18992}
wants() { [[ " $ONLY " == *" $1 "* ]]; }

# inputs, made once and kept between runs
mkdir -p "$WORK/src" "$WORK/cfg"
if [[ ! -f $WORK/src/.list-$PROPFIND_N || ! -f $WORK/src/.small-$SMALL_N ]]; then
    echo "bench: making $PROPFIND_N files of 256 B and $SMALL_N files of 1-16 KiB" >&2
    rm -rf "$WORK/src/list" "$WORK/src/small" "$WORK"/src/.list-* "$WORK"/src/.small-*
    "$CPP_PYTHON" - "$WORK/src" "$PROPFIND_N" "$SMALL_N" <<'PY'
import os, random, sys
root, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(1)
os.makedirs(os.path.join(root, "list"))
for i in range(n):
    with open(os.path.join(root, "list", "f%05d.bin" % i), "wb") as f:
        f.write(os.urandom(256))
for i in range(m):
    d = os.path.join(root, "small", "d%d" % (i % 10))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%04d.bin" % i), "wb") as f:
        f.write(os.urandom(rnd.randint(1, 16) * 1024))
PY
    touch "$WORK/src/.list-$PROPFIND_N" "$WORK/src/.small-$SMALL_N"
fi
if wants big && [[ $(stat -c %s "$WORK/src/big.bin" 2>/dev/null) != $((BIG_MIB * 1048576)) ]]; then
    echo "bench: making a $BIG_MIB MiB file" >&2
    head -c $((BIG_MIB * 1048576)) /dev/urandom > "$WORK/src/big.bin"
fi
# each server gets its own root with the same content (hard links: no extra space)
for s in cpp sp; do
    rm -rf "${WORK:?}/$s" "$WORK/dl-$s"
    mkdir -p "$WORK/$s"
    cp -al "$WORK/src/list" "$WORK/$s/list"
    [[ -f $WORK/src/big.bin ]] && ln "$WORK/src/big.bin" "$WORK/$s/big.bin"
done
: > "$WORK/cfg/rclone.conf"

if [[ -z ${SP_BIN:-} ]]; then
    dotnet build "$REPO/src/SharpParty" -c Release -o "$WORK/build" --nologo -v q >/dev/null || exit 2
    SP_BIN="$WORK/build/sharpparty"
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
(cd "$WORK/cfg" && exec "$SP_BIN" -q -i 127.0.0.1 -p "$PORT_SP" --http-only --ses-db "$WORK/cfg/ses.db" -v "$WORK/sp::rwmd" > "$WORK/sp.log" 2>&1) &
pids+=($!)
(cd "$WORK/cfg" && PYTHONPATH="$CPP_SRC" XDG_CONFIG_HOME="$WORK/cfg" exec "$CPP_PYTHON" -m copyparty -q -i 127.0.0.1 -p "$PORT_CPP" \
    -v "$WORK/cpp::rwmd" > "$WORK/cpp.log" 2>&1) &
pids+=($!)
for p in "$PORT_SP" "$PORT_CPP"; do
    for _ in $(seq 1 120); do curl -fs -o /dev/null "http://127.0.0.1:$p/" && break; sleep 0.5; done
done
declare -A port=([cpp]=$PORT_CPP [sp]=$PORT_SP)

rc() { # rclone against server $1, then the rest of the arguments
    local s=$1
    shift
    RCLONE_CONFIG="$WORK/cfg/rclone.conf" rclone -q --webdav-url "http://127.0.0.1:${port[$s]}/" --webdav-vendor "$VENDOR" \
        --retries 1 --low-level-retries 1 --contimeout 10s --timeout 60s "$@"
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

propfind_ms() {
    curl -sS -o "$WORK/pf-$1.xml" -w '%{time_total}' -X PROPFIND -H 'Depth: 1' "http://127.0.0.1:${port[$1]}/list/" | awk '{ printf "%.1f", $1 * 1000 }'
}

# the requests rclone 1.60 (vendor other) makes per uploaded file: MKCOL of its folder (405 once it exists), PUT, then
# PROPFIND Depth: 0 of the file; sent by curl 4 at a time (rclone's --transfers 4) with no pause between them, in three
# passes so that no PROPFIND overtakes its PUT
replay_prepare() {
    local s=$1 base="http://127.0.0.1:${port[$1]}/$2" f rel
    : > "$WORK/cfg/mkcol-$s.curl"
    : > "$WORK/cfg/put-$s.curl"
    : > "$WORK/cfg/propfind-$s.curl"
    printf 'url = "%s/"\nrequest = "MKCOL"\nsilent\noutput = "/dev/null"\n' "$base" >> "$WORK/cfg/mkcol-$s.curl"
    for f in "$WORK"/src/small/d*/*; do
        rel=${f#"$WORK/src/small/"}
        printf 'next\nurl = "%s/%s/"\nrequest = "MKCOL"\nsilent\noutput = "/dev/null"\n' "$base" "${rel%/*}" >> "$WORK/cfg/mkcol-$s.curl"
        printf 'next\nurl = "%s/%s"\nupload-file = "%s"\nsilent\noutput = "/dev/null"\n' "$base" "$rel" "$f" >> "$WORK/cfg/put-$s.curl"
        printf 'next\nurl = "%s/%s"\nrequest = "PROPFIND"\nheader = "Depth: 0"\nsilent\noutput = "/dev/null"\n' "$base" "$rel" >> "$WORK/cfg/propfind-$s.curl"
    done
    sed -i '1{/^next$/d}' "$WORK/cfg/put-$s.curl" "$WORK/cfg/propfind-$s.curl"
}
replay_send() {
    local s=$1 pass
    for pass in mkcol put propfind; do
        curl -sS -Z --parallel-max 4 -K "$WORK/cfg/$pass-$s.curl" 2>> "$WORK/replay.err" || return 1
    done
}

declare -A res
add() { res[$1]="${res[$1]:-} $2"; }
if wants propfind; then
    for s in cpp sp; do for _ in 1 2 3; do propfind_ms "$s" > /dev/null; done; done
    for s in cpp sp; do
        echo "propfind $s: $(grep -o '<D:response>' "$WORK/pf-$s.xml" | wc -l) responses, $(stat -c %s "$WORK/pf-$s.xml") bytes" >&2
    done
fi
echo "bench: load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for ((r = 1; r <= RUNS; r++)); do
    for s in cpp sp; do
        if wants propfind; then
            for ((i = 1; i <= PF_SAMPLES; i++)); do add "$s propfind" "$(propfind_ms "$s")"; done
        fi
        if wants small; then
            t0=$(now)
            rc "$s" copy "$WORK/src/small" ":webdav:up$r" || { echo "bench: $s rclone copy up failed" >&2; exit 1; }
            t1=$(now)
            rc "$s" copy ":webdav:up$r" "$WORK/dl-$s" || { echo "bench: $s rclone copy down failed" >&2; exit 1; }
            t2=$(now)
            n=$(find "$WORK/dl-$s" -type f | wc -l)
            [[ $n == "$SMALL_N" ]] || { echo "bench: $s: $n of $SMALL_N files came back" >&2; exit 1; }
            rm -rf "${WORK:?}/dl-$s"
            replay_prepare "$s" "re$r"
            t3=$(now)
            replay_send "$s" || { echo "bench: $s replay failed" >&2; exit 1; }
            t4=$(now)
            n=$(find "$WORK/$s/re$r" -type f | wc -l)
            [[ $n == "$SMALL_N" ]] || { echo "bench: $s: replay stored $n of $SMALL_N files" >&2; exit 1; }
            add "$s up" "$(secs "$t0" "$t1")"
            add "$s down" "$(secs "$t1" "$t2")"
            add "$s replay" "$(secs "$t3" "$t4")"
            rm -rf "${WORK:?}/$s/up$r" "${WORK:?}/$s/re$r"
        fi
        if wants big; then
            sync
            t0=$(now)
            rc "$s" copyto "$WORK/src/big.bin" ":webdav:big-up$r.bin" || { echo "bench: $s rclone PUT failed" >&2; exit 1; }
            t1=$(now)
            cmp -s "$WORK/src/big.bin" "$WORK/$s/big-up$r.bin" || { echo "bench: $s: the uploaded file differs" >&2; exit 1; }
            rm -f "$WORK/$s/big-up$r.bin"
            t2=$(now)
            rc "$s" copyto ":webdav:big.bin" "$WORK/dl-$s.bin" || { echo "bench: $s rclone GET failed" >&2; exit 1; }
            t3=$(now)
            [[ $(stat -c %s "$WORK/dl-$s.bin") == $((BIG_MIB * 1048576)) ]] || { echo "bench: $s: GET size differs" >&2; exit 1; }
            rm -f "$WORK/dl-$s.bin"
            add "$s put" "$(awk -v m="$BIG_MIB" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", m / (b - a) }')"
            add "$s get" "$(awk -v m="$BIG_MIB" -v a="$t2" -v b="$t3" 'BEGIN { printf "%.0f", m / (b - a) }')"
        fi
        echo "round $r $s done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo
echo "WebDAV on 127.0.0.1, median of $RUNS rounds [samples]; rclone $(rclone version 2>/dev/null | head -1 | cut -d' ' -f2), vendor $VENDOR; load after: $load_after"
echo
# the best sample too: on a shared, loaded machine the median carries the neighbours' load
best() { tr ' ' '\n' | grep -v '^$' | sort -n | awk -v hi="$1" 'NR == 1 { lo = $1 } { last = $1 } END { print (hi ? last : lo) }'; }
echo "| metric | copyparty | SharpParty | ours / copyparty | best: cpp / ours (ratio) |"
echo "|---|---|---|---|---|"
for m in propfind up down replay put get; do
    [[ -n ${res[cpp $m]:-} ]] || continue
    c=$(echo "${res[cpp $m]}" | median)
    s=$(echo "${res[sp $m]}" | median)
    case $m in
        propfind) name="PROPFIND Depth 1, $PROPFIND_N files, ms" ;;
        up) name="rclone copy up, $SMALL_N files, s" ;;
        down) name="rclone copy down, $SMALL_N files, s" ;;
        replay) name="rclone's upload requests by curl -Z, s" ;;
        put) name="rclone PUT $BIG_MIB MiB, MiB/s" ;;
        get) name="rclone GET $BIG_MIB MiB, MiB/s" ;;
    esac
    ratio=$(awk -v a="$s" -v b="$c" 'BEGIN { if (b + 0 > 0) printf "%.2fx", a / b; else print "-" }')
    hi=$([[ $m == put || $m == get ]] && echo 1 || echo 0)
    bc_=$(echo "${res[cpp $m]}" | best "$hi")
    bs=$(echo "${res[sp $m]}" | best "$hi")
    bratio=$(awk -v a="$bs" -v b="$bc_" 'BEGIN { if (b + 0 > 0) printf "%.2fx", a / b; else print "-" }')
    echo "| $name | $c [${res[cpp $m]# }] | $s [${res[sp $m]# }] | $ratio | $bc_ / $bs ($bratio) |"
done
