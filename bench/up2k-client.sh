#!/usr/bin/env bash
# Wall time and CPU seconds (client, server) of up2k uploads, client x server, medians of N interleaved runs (not CI):
#   copyparty + u2c.py, copyparty + sharpparty up, sharpparty + u2c.py, sharpparty + sharpparty up
# for one 1 GiB random file and 2,000 files of 8 KiB. Each run gets a fresh server and an empty folder (no dedup
# across runs). Needs a copyparty 1.15.9 source tree:
#
#   CPP_SRC=/path/to/copyparty SP=/path/to/sharpparty [SETS="g1 small"] bench/up2k-client.sh [RUNS]
set -euo pipefail
runs=${1:-3}
cpp=${CPP_SRC:?set CPP_SRC to a copyparty source tree}
sp=${SP:?set SP to a sharpparty executable (Native AOT or Release)}
work=${BENCH_DIR:-/tmp/sp-up2k-bench}
port=${BENCH_PORT:-23311}  # below the ephemeral range, so no client socket holds it
mkdir -p "$work/src/g1" "$work/src/small"
[[ -f $work/src/g1/1g.bin ]] || head -c 1073741824 /dev/urandom > "$work/src/g1/1g.bin"
if [[ $(find "$work/src/small" -type f | wc -l) -ne 2000 ]]; then
    python3 -c "import os
for i in range(2000):
    open('$work/src/small/f%04d.bin' % i, 'wb').write(os.urandom(8192))"
fi

start_server() { # $1 = copyparty|sharpparty, $2 = folder
    rm -rf "$2" "$work/state"; mkdir -p "$2" "$work/state"
    if [[ $1 == copyparty ]]; then
        cd "$cpp"
        python3 -m copyparty -i 127.0.0.1 -p "$port" -v "$2::rw" -q >"$work/server.log" 2>&1 &
        server_pid=$!
        cd - >/dev/null
    else
        "$sp" -i 127.0.0.1 -p "$port" -v "$2::rw" -q --hist "$work/state/hist" --ses-db "$work/state/ses.db" >"$work/server.log" 2>&1 &
        server_pid=$!
    fi
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0; sleep 0.1; done
    echo "server did not start" >&2; exit 1
}

# user+system CPU seconds the server has used so far (fields 14 and 15 of /proc/PID/stat, in clock ticks)
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$server_pid/stat"; }

stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; }

run_client() { # $1 = u2c|ours, $2 = path; prints the client's user+system CPU seconds
    local cmd
    if [[ $1 == u2c ]]; then cmd=(python3 "$cpp/bin/u2c.py" -ns "http://127.0.0.1:$port/" "$2")
    else cmd=("$sp" up -q "http://127.0.0.1:$port/" "$2"); fi
    /usr/bin/time -f "%U %S" -o "$work/time.txt" "${cmd[@]}" >/dev/null 2>&1 || echo "client failed: ${cmd[*]}" >&2
    awk '{printf "%.2f", $1 + $2}' "$work/time.txt"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# rounds interleave the combinations, so a noisy neighbour slows all of them alike
declare -A wall ccpu scpu
combos=()
for set in ${SETS:-g1 small}; do for server in copyparty sharpparty; do for client in u2c ours; do combos+=("$set $server $client"); done; done; done
for round in $(seq "$runs"); do
    for combo in "${combos[@]}"; do
        read -r set server client <<<"$combo"
        start_server "$server" "$work/dst"
        s0=$(server_cpu)
        t0=$(date +%s.%N)
        c=$(run_client "$client" "$work/src/$set")
        t1=$(date +%s.%N)
        s1=$(server_cpu)
        stop_server
        if [[ $set == g1 ]]; then cmp -s "$work/src/g1/1g.bin" "$work/dst/g1/1g.bin" || echo "MISMATCH ($combo)" >&2
        else [[ $(find "$work/dst/small" -type f | wc -l) -eq 2000 ]] || echo "MISSING FILES ($combo)" >&2; fi
        wall[$combo]+="$(echo "$t1 - $t0" | bc) "
        ccpu[$combo]+="$c "
        scpu[$combo]+="$(echo "$s1 - $s0" | bc) "
    done
done
printf '%-6s %-21s %8s %10s %10s   %s\n' set "server + client" wall "client cpu" "server cpu" "wall of each run"
for combo in "${combos[@]}"; do
    read -r set server client <<<"$combo"
    m() { tr ' ' '\n' | grep . | median; }
    printf '%-6s %-21s %7.2fs %9.2fs %9.2fs   %s\n' "$set" "$server + $client" "$(m <<<"${wall[$combo]}")" \
        "$(m <<<"${ccpu[$combo]}")" "$(m <<<"${scpu[$combo]}")" "${wall[$combo]}"
done
rm -rf "$work/dst" "$work/state"
