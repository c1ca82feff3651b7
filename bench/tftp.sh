#!/usr/bin/env bash
# bench/tftp.sh -- TFTP (issue 8): SharpParty side by side with copyparty in one run. Not part of CI.
#
#   PARTFTPY=/path/to/partftpy-source bench/tftp.sh
#
# copyparty's TFTP server needs the partftpy package (copyparty's own fork of tftpy; not in Debian, and PyPI is not
# reachable here): point PARTFTPY at a folder that holds partftpy/ (e.g. an extracted github.com/9001/partftpy v0.4.0).
# Without it the copyparty rows are skipped and say so.
#
# A SIZE_MIB file of random bytes (default 100 MiB), RUNS runs each (default 3), interleaved, medians:
#   get-curl     curl --tftp-blksize BLKSIZE (1468) tftp://…  (lockstep: one block, one ACK), both servers
#   put-curl     curl --tftp-blksize BLKSIZE -T file tftp://…, both servers
#   get-atftp-wN atftp --option "blksize BLKSIZE" --option "windowsize N" for N in WINDOWS ("8 16 32"): RFC 7440,
#                SharpParty only (copyparty ignores windowsize and would run lockstep)
# Every download is compared with the source (cmp). Ratios are against copyparty's get-curl / put-curl.
# Only the PIDs this script started are signalled.
#
# env: CPP_SRC (/work/cpp-src), CPP_PYTHON (python3), PARTFTPY (unset), SP_BIN (a sharpparty executable; default:
#      built here with dotnet build -c Release), BENCH_WORK (/tmp/sharpparty-tftp-bench), SIZE_MIB (100), RUNS (3),
#      BLKSIZE (1468), WINDOWS ("8 16 32 64"), PORT_CPP (18969), PORT_SP (18970)
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CPP_SRC=${CPP_SRC:-/work/cpp-src}
CPP_PYTHON=${CPP_PYTHON:-python3}
WORK=${BENCH_WORK:-/tmp/sharpparty-tftp-bench}
SIZE_MIB=${SIZE_MIB:-100}
RUNS=${RUNS:-3}
BLKSIZE=${BLKSIZE:-1468}
WINDOWS=${WINDOWS:-8 16 32 64}
PORT_CPP=${PORT_CPP:-18969}
PORT_SP=${PORT_SP:-18970}

for tool in curl atftp cmp; do
    command -v "$tool" >/dev/null || { echo "tftp.sh: needs $tool (apt-get install ${tool/cmp/diffutils})"; exit 2; }
done
mkdir -p "$WORK/srv" "$WORK/cfg" "$WORK/got"
SRC="$WORK/srv/big.bin"
if [[ ! -f $SRC || $(stat -c %s "$SRC") -ne $((SIZE_MIB << 20)) ]]; then
    head -c $((SIZE_MIB << 20)) /dev/urandom > "$SRC"
fi

if [[ -z ${SP_BIN:-} ]]; then
    dotnet build "$REPO/src/SharpParty" -c Release -o "$WORK/build" --nologo -v q >/dev/null || exit 2
    SP_BIN="$WORK/build/sharpparty"
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

"$SP_BIN" -q -i 127.0.0.1 -p $((PORT_SP + 1000)) --http-only --ses-db "$WORK/cfg/ses.db" --tftp "$PORT_SP" -v "$WORK/srv::rwd" \
    > "$WORK/sp.log" 2>&1 &
pids+=($!)
have_cpp=0
if [[ -n ${PARTFTPY:-} && -d $PARTFTPY/partftpy ]]; then
    (cd "$WORK" && PYTHONPATH="$PARTFTPY:$CPP_SRC" XDG_CONFIG_HOME="$WORK/cfg" exec "$CPP_PYTHON" -m copyparty -q -i 127.0.0.1 \
        -p $((PORT_CPP + 1000)) --tftp "$PORT_CPP" -v "$WORK/srv::rwd" > "$WORK/cpp.log" 2>&1) &
    pids+=($!)
    have_cpp=1
else
    echo "tftp.sh: PARTFTPY not set (or has no partftpy/): copyparty's TFTP server cannot start; its rows are skipped"
fi
sleep 4

# one timed transfer: prints MiB/s, or "fail"
timed() {
    local out=$1; shift
    [[ $out == -put-* ]] || rm -f "$out"
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    if [[ $out == -put-* ]]; then
        local f=${out#-put-}
        cmp -s "$f" "$SRC" || { echo fail; return; }
        rm -f "$f"
    else
        cmp -s "$out" "$SRC" || { echo fail; return; }
    fi
    awk -v a="$t0" -v b="$t1" -v m="$SIZE_MIB" 'BEGIN { printf "%.1f", m / (b - a) }'
}

echo "tftp.sh: commit $(git -C "$REPO" rev-parse --short HEAD), $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A samples
add() { samples[$1]="${samples[$1]:-} $2"; }
for ((r = 1; r <= RUNS; r++)); do
    for target in cpp sp; do
        [[ $target == cpp && $have_cpp == 0 ]] && continue
        port=$([[ $target == cpp ]] && echo "$PORT_CPP" || echo "$PORT_SP")
        add "$target get-curl" "$(timed "$WORK/got/g" curl -sS --tftp-blksize "$BLKSIZE" "tftp://127.0.0.1:$port/big.bin" -o "$WORK/got/g")"
        up="$WORK/srv/up-$target-$r.bin"
        add "$target put-curl" "$(timed "-put-$up" curl -sS --tftp-blksize "$BLKSIZE" -T "$SRC" "tftp://127.0.0.1:$port/up-$target-$r.bin")"
        if [[ $target == sp ]]; then
            for w in $WINDOWS; do
                add "$target get-atftp-w$w" "$(timed "$WORK/got/g" atftp -g -r big.bin -l "$WORK/got/g" --option "blksize $BLKSIZE" --option "windowsize $w" 127.0.0.1 "$port")"
            done
        fi
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END { if (NR == 0) print "-"; else if (a[1] == "fail") print "fail"; else print a[int((NR + 1) / 2)] }'; }
echo
echo "TFTP, ${SIZE_MIB} MiB, blksize ${BLKSIZE}, median of ${RUNS} (MiB/s; all samples in brackets); load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| transfer | copyparty | SharpParty | ours / copyparty |"
echo "|---|---|---|---|"
for m in get-curl put-curl $(for w in $WINDOWS; do echo "get-atftp-w$w"; done); do
    c=$(echo "${samples[cpp $m]:-}" | median)
    s=$(echo "${samples[sp $m]:-}" | median)
    base=$c
    [[ $m == get-atftp-* ]] && base=$(echo "${samples[cpp get-curl]:-}" | median)
    ratio=$(awk -v a="$s" -v b="$base" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.2f", a / b; else print "-" }')
    echo "| $m | $c [${samples[cpp $m]:-}] | $s [${samples[sp $m]:-}] | $ratio |"
done
