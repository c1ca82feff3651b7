#!/usr/bin/env bash
# bench/archive.sh -- folder downloads as ?zip and ?tar (issue 5): SharpParty side by side with copyparty in one run.
# Not part of CI.
#
#   bench/archive.sh
#
# Two folders, made once in BENCH_WORK and reused: "big" (BIG_MIB MiB in 8 files of random bytes, default 1024) and
# "small" (SMALL_N files, default 10,000, of 1-64 KiB random bytes in 100 sub-folders). Each archive is fetched with
# curl -o /dev/null from 127.0.0.1, RUNS times (default 3), servers interleaved; MiB/s = archive bytes / wall time;
# medians, every sample in brackets, ratios ours / copyparty. Both servers: -q -i 127.0.0.1 -v DATA::r.
# Only the PIDs this script started are signalled.
#
# env: CPP_SRC (/work/cpp-src), CPP_PYTHON (python3), SP_BIN (a sharpparty executable; default: built here),
#      BENCH_WORK (/tmp/sharpparty-archive-bench), BIG_MIB (1024), SMALL_N (10000), RUNS (3),
#      FORMATS ("zip tar"), PORT_CPP (18981), PORT_SP (18982)
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CPP_SRC=${CPP_SRC:-/work/cpp-src}
CPP_PYTHON=${CPP_PYTHON:-python3}
WORK=${BENCH_WORK:-/tmp/sharpparty-archive-bench}
BIG_MIB=${BIG_MIB:-1024}
SMALL_N=${SMALL_N:-10000}
RUNS=${RUNS:-3}
FORMATS=${FORMATS:-zip tar}
PORT_CPP=${PORT_CPP:-18981}
PORT_SP=${PORT_SP:-18982}

mkdir -p "$WORK/data/big" "$WORK/data/small" "$WORK/cfg"
if [[ ! -f $WORK/data/big/.done-$BIG_MIB ]]; then
    rm -f "$WORK"/data/big/*
    for i in $(seq 1 8); do head -c $((BIG_MIB * 1024 * 1024 / 8)) /dev/urandom > "$WORK/data/big/part$i.bin"; done
    touch "$WORK/data/big/.done-$BIG_MIB"
fi
if [[ ! -f $WORK/data/small/.done-$SMALL_N ]]; then
    rm -rf "$WORK"/data/small/*
    "$CPP_PYTHON" - "$WORK/data/small" "$SMALL_N" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
for i in range(n):
    d = os.path.join(root, "d%02d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.bin" % i), "wb") as f:
        f.write(os.urandom(rnd.randint(1024, 65536)))
PY
    touch "$WORK/data/small/.done-$SMALL_N"
fi

if [[ -z ${SP_BIN:-} ]]; then
    dotnet build "$REPO/src/SharpParty" -c Release -o "$WORK/build" --nologo -v q >/dev/null || exit 2
    SP_BIN="$WORK/build/sharpparty"
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
"$SP_BIN" -q -i 127.0.0.1 -p "$PORT_SP" --http-only --ses-db "$WORK/cfg/ses.db" -v "$WORK/data::r" > "$WORK/sp.log" 2>&1 &
pids+=($!)
(cd "$WORK" && PYTHONPATH="$CPP_SRC" XDG_CONFIG_HOME="$WORK/cfg" exec "$CPP_PYTHON" -m copyparty -q -i 127.0.0.1 -p "$PORT_CPP" \
    -v "$WORK/data::r" > "$WORK/cpp.log" 2>&1) &
pids+=($!)
sleep 5

# prints "MiB/s bytes" for one download
fetch() {
    curl -sS -o /dev/null -w '%{size_download} %{time_total}\n' "$1" | awk '{ printf "%.1f %d", $1 / 1048576 / $2, $1 }'
}

declare -A samples sizes
for ((r = 1; r <= RUNS; r++)); do
    for folder in big small; do
        for fmt in $FORMATS; do
            for target in cpp sp; do
                port=$([[ $target == cpp ]] && echo "$PORT_CPP" || echo "$PORT_SP")
                read -r mibs bytes < <(fetch "http://127.0.0.1:$port/$folder/?$fmt")
                samples[$target $folder $fmt]="${samples[$target $folder $fmt]:-} $mibs"
                sizes[$target $folder $fmt]=$bytes
            done
        done
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END { if (NR == 0) print "-"; else print a[int((NR + 1) / 2)] }'; }
echo
echo "Folder archives over HTTP on 127.0.0.1 (curl -o /dev/null), MiB/s of archive, median of $RUNS [samples]"
echo
echo "| folder | format | copyparty | SharpParty | ours / copyparty | archive bytes (cpp / ours) |"
echo "|---|---|---|---|---|---|"
for folder in big small; do
    for fmt in $FORMATS; do
        c=$(echo "${samples[cpp $folder $fmt]}" | median)
        s=$(echo "${samples[sp $folder $fmt]}" | median)
        ratio=$(awk -v a="$s" -v b="$c" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "-" }')
        echo "| $folder | $fmt | $c [${samples[cpp $folder $fmt]}] | $s [${samples[sp $folder $fmt]}] | $ratio | ${sizes[cpp $folder $fmt]} / ${sizes[sp $folder $fmt]} |"
    done
done
