#!/usr/bin/env bash
# The relay, side by side (not CI): wall time, CPU seconds (sender + receiver + relay) and the relay's peak RSS for
#   sharpparty send -> sharpparty relay -> sharpparty receive
#   p2p-copy send   -> p2p-copy relay   -> p2p-copy receive
# with one 1 GiB random file and 2,000 random files of 1-64 KiB, plain and --encrypt (--compress auto, the default),
# medians of RUNS interleaved runs. Data lives in /dev/shm so that the disk is not what is measured.
#
# p2p-copy is not vendored: point P2P_SRC at its src/ folder (github AfuLD/p2p-copy). It runs on Debian's
# python3-websockets (10.4, older than it asks for) through a small shim written below, with python3-zstandard,
# python3-typer, python3-argon2 and python3-cryptography installed.
#
#   P2P_SRC=/path/to/p2p-copy/src SP=/path/to/sharpparty bench/relay.sh [RUNS]
# SETS="small" limits the data sets; IMPLS="sp sp0 py" adds ours with the extensions off (sp0).
set -euo pipefail
runs=${1:-3}
src=${P2P_SRC:?set P2P_SRC to the src folder of p2p-copy}
sp=${SP:?set SP to a sharpparty executable (Release)}
work=${BENCH_DIR:-/dev/shm/sp-relay-bench}
port_sp=${BENCH_PORT:-23411}
port_py=$((port_sp + 1))
mkdir -p "$work/data/big" "$work/data/small" "$work/shim"

# websockets>=13's asyncio API mapped onto 10.4's legacy one (spec p2p-copy-relay.md §1.4); our code, not p2p-copy's
cat >"$work/shim/sitecustomize.py" <<'PY'
import sys, types
import websockets.legacy.client as _lc, websockets.legacy.server as _ls
_a = types.ModuleType("websockets.asyncio"); _c = types.ModuleType("websockets.asyncio.client"); _s = types.ModuleType("websockets.asyncio.server")
_c.connect = _lc.connect; _s.serve = _ls.serve; _s.ServerConnection = _ls.WebSocketServerProtocol
_a.client = _c; _a.server = _s
sys.modules.update({"websockets.asyncio": _a, "websockets.asyncio.client": _c, "websockets.asyncio.server": _s})
PY
# exec: the relay's pid (for its CPU and RSS) is python's, not a subshell's
p2p() { PYTHONPATH="$work/shim:$src" exec /usr/bin/python3 -c 'import sys; from p2p_copy_cli.main import app; sys.argv[0] = "p2p-copy"; app()' "$@"; }

[[ -f $work/data/big/1g.bin ]] || head -c 1073741824 /dev/urandom >"$work/data/big/1g.bin"
if [[ $(find "$work/data/small" -type f | wc -l) -ne 2000 ]]; then
    /usr/bin/python3 -c "import os, random
r = random.Random(1)
for i in range(2000):
    open('$work/data/small/f%04d.bin' % i, 'wb').write(os.urandom(r.randint(1024, 65536)))"
fi

"$sp" relay 127.0.0.1 "$port_sp" --no-tls -q >"$work/relay-sp.log" 2>&1 &
pid_sp=$!
(p2p run-relay-server 127.0.0.1 "$port_py" --no-tls) >"$work/relay-py.log" 2>&1 &
pid_py=$!
trap 'kill $pid_sp $pid_py 2>/dev/null || true' EXIT
sleep 3

cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
hwm_of() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

one() { # $1 = sp|sp0|py, $2 = big|small, $3 = plain|enc; appends "wall cpu" to $work/res-$1-$2-$3
    # sp0: ours with our extensions off (SHARPPARTY_RELAY_NO_EXT=1: p2p-copy's messages one by one), for comparison
    local url flags=() relay_pid before t0 t1 code="bench-$RANDOM-$RANDOM"
    local ext=1
    [[ $1 == sp0 ]] && ext=0
    [[ $3 == enc ]] && flags=(--encrypt)
    rm -rf "$work/out"
    if [[ $1 == sp* ]]; then url="ws://127.0.0.1:$port_sp/.cpr/relay"; relay_pid=$pid_sp; else url="ws://127.0.0.1:$port_py"; relay_pid=$pid_py; fi
    before=$(cpu_of "$relay_pid")
    t0=$(date +%s.%N)
    if [[ $1 == sp* ]]; then
        SHARPPARTY_RELAY_NO_EXT=$((1 - ext)) /usr/bin/time -f "%U %S" -o "$work/t-recv" "$sp" receive "$url" "$code" --out "$work/out" "${flags[@]}" >"$work/recv.log" 2>&1 &
    else
        /usr/bin/time -f "%U %S" -o "$work/t-recv" bash -c "$(declare -f p2p); work='$work' src='$src' p2p receive '$url' '$code' --out '$work/out' ${flags[*]}" >"$work/recv.log" 2>&1 &
    fi
    local rpid=$!
    sleep 0.2
    if [[ $1 == sp* ]]; then
        SHARPPARTY_RELAY_NO_EXT=$((1 - ext)) /usr/bin/time -f "%U %S" -o "$work/t-send" "$sp" send "$url" "$code" "$work/data/$2" "${flags[@]}" >"$work/send.log" 2>&1 || echo "send failed ($1 $2 $3)" >&2
    else
        /usr/bin/time -f "%U %S" -o "$work/t-send" bash -c "$(declare -f p2p); work='$work' src='$src' p2p send '$url' '$code' '$work/data/$2' ${flags[*]}" >"$work/send.log" 2>&1 || echo "send failed ($1 $2 $3)" >&2
    fi
    wait "$rpid" || echo "receive failed ($1 $2 $3)" >&2
    t1=$(date +%s.%N)
    diff -rq "$work/data/$2" "$work/out/$2" >/dev/null || echo "DIFFERENT OUTPUT ($1 $2 $3)" >&2
    local cpu
    cpu=$(awk -v r="$(cpu_of "$relay_pid")" -v b="$before" '{s += $1 + $2} END {printf "%.2f", s + r - b}' "$work/t-send" "$work/t-recv")
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') $cpu" >>"$work/res-$1-$2-$3"
}

rm -f "$work"/res-*
echo "commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for set in ${SETS:-small big}; do
    for _ in $(seq "$runs"); do
        for mode in plain enc; do
            for impl in ${IMPLS:-sp py}; do one "$impl" "$set" "$mode"; done
        done
    done
    echo "relay peak RSS after the $set runs: sharpparty $(hwm_of $pid_sp) MiB, p2p-copy $(hwm_of $pid_py) MiB"
done

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for f in "$work"/res-*; do echo "samples ${f##*/res-} (wall cpu): $(tr '\n' ';' <"$f")"; done
echo
printf '%-6s %-6s | %-26s | %-26s | %s\n' set mode "sharpparty wall s (cpu s)" "p2p-copy wall s (cpu s)" "speed-up wall (cpu)"
for set in ${SETS:-small big}; do
    for mode in plain enc; do
        sw=$(cut -d' ' -f1 "$work/res-sp-$set-$mode" | median); sc=$(cut -d' ' -f2 "$work/res-sp-$set-$mode" | median)
        pw=$(cut -d' ' -f1 "$work/res-py-$set-$mode" | median); pc=$(cut -d' ' -f2 "$work/res-py-$set-$mode" | median)
        printf '%-6s %-6s | %8s (%6s)           | %8s (%6s)           | %.2fx (%.2fx)\n' "$set" "$mode" "$sw" "$sc" "$pw" "$pc" \
            "$(awk -v a="$pw" -v b="$sw" 'BEGIN {print a / b}')" "$(awk -v a="$pc" -v b="$sc" 'BEGIN {print a / b}')"
    done
done
if compgen -G "$work/res-sp0-*" >/dev/null; then
    echo
    echo "ours with the extensions off (SHARPPARTY_RELAY_NO_EXT=1), medians wall s (cpu s):"
    for f in "$work"/res-sp0-*; do
        echo "  ${f##*/res-sp0-}: $(cut -d' ' -f1 "$f" | median) ($(cut -d' ' -f2 "$f" | median))"
    done
fi
