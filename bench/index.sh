#!/usr/bin/env bash
# bench/index.sh -- the index (issue 4), SharpParty side by side with copyparty in one run. Not part of CI.
#
#   CPP_SRC=/work/cpp-src bench/index.sh                       # full scale (100,000 files / ~4 GiB; 1,000,000 for search)
#   CPP_SRC=/work/cpp-src IDX_N=5000 SRCH_N=50000 bench/index.sh   # small scale, a few minutes
#
# Both servers get the same flags: -e2dsa -q -i 127.0.0.1 -p PORT -v DATA::r --hist STATE (copyparty also gets
# -lo STATE/cpp.log: with -q that file is the only place its log goes). Measured, per server:
#   1. first index of IDX_N files (mostly 1-64 KiB, IDX_BIG_N of 1-100 MiB, random bytes), from cold: fresh state
#      folder, page cache dropped (when we may write /proc/sys/vm/drop_caches), server started, until its index is
#      complete. Signal: copyparty's up2k logs "N volumes in X sec" when init_indexes() returns (the -e2dsa scan
#      hashes inline, so that is after every file is hashed and committed); SharpParty logs "scan /: N files, ...;
#      X s" (warning level, shown with -q) when a volume's scan ends. Wall time = spawn to that line (a watcher polls the log every 2 ms);
#      the time each server reports itself is in the table too. COLD_RUNS runs (default 1).
#   2. rescan with nothing changed: the server restarted on the same state folder, page cache warm, same signal;
#      RESCAN_RUNS runs, interleaved between the servers, median.
#   3. search: both servers index a folder of SRCH_N empty files (1000 per folder, names WORD_WORD_HEX8.dat), then
#      SRCH_Q queries POST /?srch {"q": "name like *SUB*"}, SUB a 4-char (90 %) or 3-char (10 %) piece of a
#      random file's HEX8 (~50 resp. ~1500 hits), same queries in the same order for both, one keep-alive
#      connection, 5 untimed warm-up queries; p50/p99 of the wall time per query (a 429 from the 0.7 s rate limit
#      is waited out and retried, not counted). The hit counts of the two servers are compared query by query.
#      Empty files rather than rows written into each server's database: both index the same real folder
#      through their own code, needs no knowledge of either schema, costs ~1M inodes and no data blocks.
#   4. peak RSS: VmHWM (+ descendants) read when the index-complete line appears, for the first index and the
#      1M-file index; server CPU time alongside.
#
# Results: bench/results/index-<UTC date>.md (table, printed at the end), every sample in .tsv next to it, the
# log and each server's log tail in bench/results/logs/index-<run id>/. Only the PIDs this script started are
# ever signalled. Generated data stays in $BENCH_WORK and is reused by later runs (same parameters).
#
# env: CPP_SRC (required), CPP_PYTHON (python3), BENCH_WORK (/tmp/sharpparty-ibench), BENCH_OUT (bench/results),
#      BENCH_PORT (18931), SP_BIN (use this sharpparty executable, no build), BENCH_BUILD (/tmp/sharpparty-ibench-build),
#      IDX_N (100000), IDX_BIG_N (IDX_N/5000, at least 1), IDX_BIG_MAX_MIB (100), IDX_SMALL_MAX_KIB (64),
#      COLD_RUNS (1), RESCAN_RUNS (5), SRCH_N (1000000), SRCH_Q (200), INDEX_TIMEOUT (seconds per index wait, 3600),
#      TARGETS ("copyparty sharpparty"; the first is the reference of the ratios), BENCH_SKIP ("cold rescan search":
#      any of them; rescan needs cold), DROP_CACHES (1; 0 = never try), IDX_ARGS (more flags for both servers, e.g.
#      "-e2ts" as the issue asks). Caveat with -e2ts: copyparty's done-line comes after its tag pass, SharpParty's
#      "scan /:" line before its tag pass (which logs "tags /: read N files" only when N > 0), so the times would
#      not compare like for like until SharpParty logs the end of its tag pass every time.
#
# Cost at full scale on a 2-core VM: ~15 min (+3 min for the AOT build), 4.2 GiB + 1M inodes in $BENCH_WORK (kept for
# the next run; delete it when done), the 1M-file index ~200 MiB per server under $BENCH_WORK/state (deleted).
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/sharpparty-ibench}
OUT=${BENCH_OUT:-$REPO/bench/results}
PORT=${BENCH_PORT:-18931}
CPP_PYTHON=${CPP_PYTHON:-python3}
BUILD=${BENCH_BUILD:-/tmp/sharpparty-ibench-build}
IDX_N=${IDX_N:-100000}
IDX_BIG_N=${IDX_BIG_N:-$(((IDX_N / 5000) > 0 ? IDX_N / 5000 : 1))}
IDX_BIG_MAX_MIB=${IDX_BIG_MAX_MIB:-100}
IDX_SMALL_MAX_KIB=${IDX_SMALL_MAX_KIB:-64}
COLD_RUNS=${COLD_RUNS:-1}
RESCAN_RUNS=${RESCAN_RUNS:-5}
SRCH_N=${SRCH_N:-1000000}
SRCH_Q=${SRCH_Q:-200}
INDEX_TIMEOUT=${INDEX_TIMEOUT:-3600}
DROP_CACHES=${DROP_CACHES:-1}
IDX_ARGS=${IDX_ARGS:-}
read -r -a TARGETS <<< "${TARGETS:-copyparty sharpparty}"
SKIP=" ${BENCH_SKIP:-} "
BASE="http://127.0.0.1:$PORT"

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
LOGDIR="$OUT/logs/index-$RUN_ID"
mkdir -p "$LOGDIR" "$WORK" || exit 1
LOG="$LOGDIR/bench.log"
TSV="$OUT/index-$RUN_ID.tsv"
MD="$OUT/index-$(date -u +%Y-%m-%d).md"
printf 'label\tmetric\trun\tvalue\n' > "$TSV"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$LOG" >&2; }
die() { log "FATAL: $*"; exit 1; }
skipped() { [[ "$SKIP" == *" $1 "* ]]; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }
sample() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$TSV"; } # label metric run value
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
median() {
    printf '%s\n' "$@" | grep -E '^[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?$' | sort -g |
        awk '{a[NR]=$1} END{ if (NR==0) {print "ERR"; exit}
             if (NR%2) printf "%.6g\n", a[(NR+1)/2]; else printf "%.6g\n", (a[NR/2]+a[NR/2+1])/2 }'
}

for tool in curl awk openssl "$CPP_PYTHON" ps; do
    command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool"
done
[[ -n "${CPP_SRC:-}" && -f "$CPP_SRC/copyparty/__main__.py" ]] ||
    die "set CPP_SRC to a copyparty source tree (the folder holding copyparty/), e.g. /work/cpp-src"
"$CPP_PYTHON" -c 'import jinja2, sqlite3' 2>/dev/null || die "$CPP_PYTHON cannot import jinja2 and sqlite3 (set CPP_PYTHON)"
for t in "${TARGETS[@]}"; do [[ "$t" == copyparty || "$t" == sharpparty ]] || die "unknown target $t"; done

# ---------------------------------------------------------------- processes (as ../shared/bench/run.sh)
SPID=""
proc_alive() {
    [[ -r /proc/$1/stat ]] || return 1
    local st; st=$(sed -E 's/.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null)
    [[ -n "$st" && "$st" != Z ]]
}
descendants() {
    ps -e -o pid=,ppid= | awk -v root="$1" '{p[$1]=$2}
        END{ d[root]=1; ch=1; while (ch) { ch=0; for (x in p) if (!(x in d) && (p[x] in d)) { d[x]=1; ch=1 } }
             for (x in d) if (x != root) print x }'
}
tree_hwm_mib() {
    local s=0 p v
    for p in $1 $(descendants "$1"); do
        v=$(awk '/^VmHWM:/{print $2}' "/proc/$p/status" 2>/dev/null)
        s=$((s + ${v:-0}))
    done
    awk -v k="$s" 'BEGIN{printf "%.1f", k/1024}'
}
tree_cpu_s() {
    local tck t=0 p v
    tck=$(getconf CLK_TCK)
    for p in $1 $(descendants "$1"); do
        v=$(sed -E 's/.*\) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12+$13+$14+$15}')
        t=$((t + ${v:-0}))
    done
    awk -v t="$t" -v k="$tck" 'BEGIN{printf "%.1f", t/k}'
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
stop_server() {
    if [[ -n "${WPID:-}" ]]; then proc_alive "$WPID" && kill "$WPID" 2>/dev/null; wait "$WPID" 2>/dev/null; WPID=""; fi
    [[ -n "$SPID" ]] || return 0
    local kids i k
    kids=$(descendants "$SPID")
    kill -TERM "$SPID" 2>/dev/null
    for i in $(seq 150); do proc_alive "$SPID" || break; sleep 0.1; done
    if proc_alive "$SPID"; then log "server $SPID ignored SIGTERM for 15 s; SIGKILL"; kill -KILL "$SPID" 2>/dev/null; fi
    wait "$SPID" 2>/dev/null
    for k in $kids; do proc_alive "$k" && kill -KILL "$k" 2>/dev/null; done
    SPID=""
    for i in $(seq 50); do port_busy || break; sleep 0.1; done
}
trap 'stop_server' EXIT
trap 'log "interrupted"; exit 130' INT TERM

# page cache: drop it (root only) and check with fincore that a data file really left it
DROP_STATE="not tried"
drop_caches() { # probe-file
    DROPPED=0
    [[ "$DROP_CACHES" == 1 ]] || { DROP_STATE="off (DROP_CACHES=0)"; return; }
    sync
    if ! (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null; then
        DROP_STATE="not possible (cannot write /proc/sys/vm/drop_caches; not root?) -- cold runs are warm-cache runs"
        log "  page cache: $DROP_STATE"; return
    fi
    local res="?"
    if command -v fincore >/dev/null 2>&1 && [[ -n "${1:-}" ]]; then
        res=$(fincore -b -n -o RES "$1" 2>/dev/null | awk '{print $1}')
    fi
    if [[ "$res" == 0 ]]; then
        DROP_STATE="yes (echo 3 > /proc/sys/vm/drop_caches before each cold run; fincore confirmed 0 bytes of a data file resident)"
    else
        DROP_STATE="written, effect unconfirmed (fincore says ${res} bytes of a data file resident)"
    fi
    DROPPED=1
    log "  page cache dropped (probe file resident after drop: ${res} bytes)"
}

# ---------------------------------------------------------------- servers
SP_VERSION="" CPP_VERSION=""
build_sharpparty() {
    if [[ -n "${SP_BIN:-}" ]]; then
        [[ -x "$SP_BIN" ]] || die "SP_BIN=$SP_BIN is not an executable"
        SP_VERSION="sharpparty (SP_BIN=$SP_BIN, tree at $(git -C "$REPO" rev-parse --short HEAD))"
        return
    fi
    log "building sharpparty (Native AOT) into $BUILD"
    rm -rf "$BUILD"
    timeout 1800 dotnet publish "$REPO/src/SharpParty" -c Release -r linux-x64 -p:PublishAot=true -o "$BUILD" \
        > "$LOGDIR/build.log" 2>&1 || die "build failed; see $LOGDIR/build.log"
    SP_BIN="$BUILD/sharpparty"
    SP_VERSION="sharpparty $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- src || echo '+dirty') (Native AOT)"
}

# The done-line watcher: started and ready before the server is spawned (its own start-up would otherwise take CPU
# from the server being timed), it reads the log as it grows every 2 ms and prints the moment the line appeared. A
# shell loop of grep + sleep 0.05 added 0.03-0.05 s to every figure (both servers), a fifth of a 0.15 s rescan.
WATCH_PY="$WORK/watch-done-line.py"
cat > "$WATCH_PY" <<'PY'
import os, re, sys, time
path, pat, pidfile, tmo, ready = sys.argv[1], re.compile(sys.argv[2].encode()), sys.argv[3], float(sys.argv[4]), sys.argv[5]
deadline = time.time() + tmo
open(ready, "w").close()
buf, pos, n, pid = b"", 0, 0, None
while True:
    try:
        with open(path, "rb") as f:
            f.seek(pos); chunk = f.read(); pos += len(chunk)
    except FileNotFoundError:
        chunk = b""
    if chunk:
        buf += chunk
        lines = buf.split(b"\n"); buf = lines.pop()
        for ln in lines + [buf]:
            m = pat.search(ln)
            if m:
                t = time.time()
                print("%.6f\t%s" % (t, (m.group(0) if b"volumes in" in ln else ln).decode("utf-8", "replace").strip()))
                sys.exit(0)
    n += 1
    if n % 50 == 0:
        if pid is None:
            try: pid = int(open(pidfile).read())
            except (OSError, ValueError): pass
        if pid is not None:
            try:
                if open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0] == "Z": raise OSError
            except OSError:
                print("DEAD"); sys.exit(0)
        if time.time() >= deadline: print("TIMEOUT"); sys.exit(0)
    time.sleep(0.002)
PY

# start_watcher LOGFILE PATTERN STATE -> WPID, WOUT (waits until the watcher runs)
start_watcher() {
    local ready="$3/watch.ready"
    WOUT="$3/watch.out"; rm -f "$ready" "$WOUT" "$3/watch.pid"
    "$CPP_PYTHON" "$WATCH_PY" "$1" "$2" "$3/watch.pid" "$INDEX_TIMEOUT" "$ready" > "$WOUT" 2>&1 &
    WPID=$!
    for _ in $(seq 500); do [[ -e "$ready" ]] && return 0; sleep 0.01; done
    log "the done-line watcher did not start"; return 1
}

# start_server LABEL DATA STATE -> SPID, SLOG (where the done-line appears), T0
start_server() {
    local label=$1 data=$2 state=$3
    port_busy && { log "port $PORT is already in use; set BENCH_PORT"; return 1; }
    mkdir -p "$state"
    export XDG_CONFIG_HOME="$WORK/xdg"   # certificates and session files stay out of the user's config
    mkdir -p "$XDG_CONFIG_HOME"
    case "$label" in
    copyparty)
        SLOG="$state/cpp.log"; rm -f "$SLOG"
        start_watcher "$SLOG" '[0-9]+ volumes in [0-9.]+ sec' "$state" || return 1
        T0=$(now)
        (cd "$CPP_SRC" && PYTHONUNBUFFERED=1 exec "$CPP_PYTHON" -m copyparty -e2dsa -q -i 127.0.0.1 -p "$PORT" \
            -v "$data::r" --hist "$state/hist" -lo "$SLOG" $IDX_ARGS) > "$state/stdout.log" 2>&1 < /dev/null &
        SPID=$!; echo "$SPID" > "$state/watch.pid"
        ;;
    sharpparty)
        SLOG="$state/stdout.log"; rm -f "$SLOG"
        start_watcher "$SLOG" 'scan /: [0-9]+ files, |scan / failed' "$state" || return 1
        T0=$(now)
        "$SP_BIN" -e2dsa -q -i 127.0.0.1 -p "$PORT" -v "$data::r" --hist "$state/hist" $IDX_ARGS \
            > "$SLOG" 2>&1 < /dev/null &
        SPID=$!; echo "$SPID" > "$state/watch.pid"
        ;;
    esac
}

# wait_index LABEL TIMEOUT EXPECTED_FILES -> WALL SELF RSS CPU NFILES (ERR on failure; the server is left running)
wait_index() {
    local label=$1 tmo=$2 want=$3 line="" deadline t1
    WALL=ERR SELF=ERR RSS=ERR CPU=ERR NFILES=ERR
    deadline=$(awk -v t="$T0" -v d="$tmo" 'BEGIN{printf "%d", t+d}')
    local got
    wait "$WPID" 2>/dev/null
    got=$(cat "$WOUT" 2>/dev/null)
    if [[ "$got" == DEAD || -z "$got" ]]; then
        log "  $label exited before its index was complete; last lines of its output:"
        { tail -n 15 "$SLOG"; [[ "$SLOG" == */stdout.log ]] || tail -n 15 "$(dirname "$SLOG")/stdout.log"; } 2>/dev/null |
            tee -a "$LOG" >&2
        SPID=""; return 1
    fi
    if [[ "$got" == TIMEOUT ]]; then
        log "  $label: no index-complete line within $tmo s (INDEX_TIMEOUT); giving up on this run"
        return 1
    fi
    t1=${got%%$'\t'*}
    line=${got#*$'\t'}
    WALL=$(elapsed "$T0" "$t1")
    RSS=$(tree_hwm_mib "$SPID")
    CPU=$(tree_cpu_s "$SPID")
    if [[ $label == copyparty ]]; then
        SELF=$(sed -E 's/.* in ([0-9.]+) sec/\1/' <<< "$line")
        NFILES=$(count_rows copyparty "$STATE_DIR")
    else
        [[ "$line" == *failed* ]] && { log "  sharpparty: $line"; return 1; }
        SELF=$(sed -E 's/.*; ([0-9.]+) s.*/\1/' <<< "$line")
        NFILES=$(sed -E 's/.*scan \/: ([0-9]+) files.*/\1/' <<< "$line")
    fi
    log "  $label: index complete after ${WALL} s wall (server says ${SELF} s), ${NFILES} files, peak RSS ${RSS} MiB, CPU ${CPU} s"
    [[ $label == sharpparty ]] && log "  sharpparty says: scan /${line#*scan /}"
    if [[ "$NFILES" != "$want" ]]; then
        log "  $label: WRONG file count: $NFILES indexed, $want on disk"
        NFILES_BAD=1
    fi
    return 0
}

# rows in copyparty's up2k.db (read-only, while it runs: WAL allows it)
count_rows() { # label state
    local db
    db=$(find "$2/hist" -name up2k.db 2>/dev/null | head -n1)
    [[ -n "$db" ]] || { echo ERR; return; }
    "$CPP_PYTHON" - "$db" <<'PY' 2>/dev/null || echo ERR
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=30)
print(c.execute("select count(*) from up").fetchone()[0])
PY
}

# ---------------------------------------------------------------- data
IDX_DIR="$WORK/idx-$IDX_N-$IDX_BIG_N-$IDX_BIG_MAX_MIB-$IDX_SMALL_MAX_KIB"
SRCH_DIR="$WORK/srch-$SRCH_N"

gen_idx() {
    if [[ -f "$IDX_DIR/.done" ]]; then
        log "data: reusing $IDX_DIR ($(cat "$IDX_DIR/.done"))"
        return
    fi
    log "data: generating $IDX_DIR: $IDX_N files, $IDX_BIG_N of them 1-$IDX_BIG_MAX_MIB MiB, the rest 1-$IDX_SMALL_MAX_KIB KiB"
    rm -rf "$IDX_DIR"; mkdir -p "$IDX_DIR/data"
    local t0; t0=$(now)
    # random bytes from AES-CTR of zeros (~700 MiB/s here; /dev/urandom does ~60); the sizes from a seeded PRNG
    local prog
    prog=$(cat <<'PY'
import os, random, sys
root, n, nbig, bigmax, smallmax = sys.argv[1], *map(int, sys.argv[2:6])
rng = random.Random(4)
big = set(rng.sample(range(n), min(nbig, n)))
src = sys.stdin.buffer
total = 0
for i in range(n):
    # 100 files per folder, 10 folders per top folder: d000/e0/f000000.bin
    d = os.path.join(root, "d%03d" % (i // 1000), "e%d" % (i // 100 % 10))
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    size = rng.randint(1 << 20, bigmax << 20) if i in big else rng.randint(1024, smallmax << 10)
    fd = os.open(os.path.join(d, "f%06d.bin" % i), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    left = size
    while left:
        b = src.read(min(left, 4 << 20))
        if not b:
            sys.exit("random source ended")
        os.write(fd, b)
        left -= len(b)
    os.close(fd)
    total += size
print("%d files, %d bytes (%.2f GiB)" % (n, total, total / 2**30))
PY
)
    openssl enc -aes-128-ctr -nosalt -pbkdf2 -pass pass:sharpparty-ibench < /dev/zero 2>/dev/null |
        "$CPP_PYTHON" -c "$prog" "$IDX_DIR/data" "$IDX_N" "$IDX_BIG_N" "$IDX_BIG_MAX_MIB" "$IDX_SMALL_MAX_KIB" > "$IDX_DIR/.gen"
    local rc=${PIPESTATUS[1]}
    ((rc == 0)) && [[ -s "$IDX_DIR/.gen" ]] || die "data generation failed (python exit $rc)"
    mv "$IDX_DIR/.gen" "$IDX_DIR/.done"
    sync
    log "data: $(cat "$IDX_DIR/.done") in $(elapsed "$t0" "$(now)") s"
}

gen_srch() {
    if [[ -f "$SRCH_DIR/.done" ]]; then
        log "data: reusing $SRCH_DIR ($(cat "$SRCH_DIR/.done"))"
        return
    fi
    log "data: generating $SRCH_DIR: $SRCH_N empty files"
    rm -rf "$SRCH_DIR"; mkdir -p "$SRCH_DIR/data"
    local t0; t0=$(now)
    "$CPP_PYTHON" - "$SRCH_DIR" "$SRCH_N" <<'PY' || die "generating the search folder failed"
import os, random, sys
top, n = sys.argv[1], int(sys.argv[2])
words = ("amber basil cedar delta ember fjord grove heron iris jade kelp lotus maple nectar onyx pearl quartz "
         "raven sage tulip umber violet willow xenon yarrow zinnia ash birch cobalt dune elm fern").split()
rng = random.Random(5)
with open(os.path.join(top, "hex.txt"), "w") as hx:
    for i in range(n):
        d = os.path.join(top, "data", "s%04d" % (i // 1000))
        if i % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        h = "%08x" % rng.getrandbits(32)
        os.close(os.open(os.path.join(d, "%s_%s_%s.dat" % (rng.choice(words), rng.choice(words), h)),
                         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
        hx.write(h + "\n")
with open(os.path.join(top, ".done"), "w") as f:
    f.write("%d empty files in %d folders\n" % (n, (n + 999) // 1000))
PY
    log "data: $SRCH_N empty files in $(elapsed "$t0" "$(now)") s"
}

# ---------------------------------------------------------------- search client
# srch_run LABEL OUTFILE -> P50 P99 (ms); OUTFILE gets one line per query: i, query, status, ms, hits
srch_run() {
    local out
    out=$(timeout $((SRCH_Q * 40 + 120)) "$CPP_PYTHON" - "$PORT" "$SRCH_DIR/hex.txt" "$SRCH_Q" "$2" <<'PY'
import http.client, json, random, sys, time
port, hexf, nq, outf = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
hexes = open(hexf).read().split()
rng = random.Random(6)
qs = []
for _ in range(nq + 5):
    h = rng.choice(hexes)
    k = 3 if rng.random() < 0.1 else 4
    o = rng.randrange(0, 9 - k)
    qs.append(h[o:o + k])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
def ask(sub):
    body = json.dumps({"q": "name like *%s*" % sub}).encode()
    for attempt in range(8):
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/?srch", body, {"Content-Type": "application/json"})
            r = conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            time.sleep(0.5)
            last = ("ERR", 0, -1)
            continue
        ms = (time.perf_counter() - t0) * 1000
        if r.status == 429:  # rate limit after a query that took > 0.7 s: wait it out, do not count
            time.sleep(0.8)
            continue
        if r.status != 200:
            return r.status, ms, -1
        try:
            return 200, ms, len(json.loads(data)["hits"])
        except Exception:
            return "BADJSON", ms, -1
    return "GAVEUP", 0, -1
lat = []
with open(outf, "w") as f:
    for i, sub in enumerate(qs):
        st, ms, n = ask(sub)
        if i < 5:
            continue  # warm-up
        f.write("%d\t%s\t%s\t%.3f\t%d\n" % (i - 5, sub, st, ms, n))
        if st == 200:
            lat.append(ms)
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] if lat else float("nan")
print("%.2f %.2f %d %d" % (pct(50), pct(99), len(lat), nq - len(lat)))
PY
    ) || { log "  search client failed or timed out"; P50=ERR P99=ERR; return 1; }
    read -r P50 P99 NOK NBAD <<< "$out"
    log "  $1: search p50 ${P50} ms, p99 ${P99} ms ($NOK ok, $NBAD failed)"
    ((NBAD == 0)) || log "  $1: $NBAD queries failed; see $2"
}

# ---------------------------------------------------------------- main
log "run $RUN_ID: targets ${TARGETS[*]}; load average $(loadavg); $(nproc) cores"
LOAD_START=$(loadavg)
if [[ " ${TARGETS[*]} " == *" sharpparty "* ]]; then build_sharpparty; fi
CPP_VERSION="copyparty $(cd "$CPP_SRC" && "$CPP_PYTHON" -m copyparty --version 2>/dev/null | head -n1 | sed -E 's/^copyparty //')"
CPP_VERSION="$CPP_VERSION, $("$CPP_PYTHON" -c 'import platform; print(platform.python_implementation(), platform.python_version())')"
log "versions: $SP_VERSION; $CPP_VERSION"
NFILES_BAD=0
FAILS=0
declare -A COLD_OK
declare -A R   # R[label.metric] = value for the table

if ! skipped cold; then
    gen_idx
    probe=$(find "$IDX_DIR/data" -name '*.bin' -size +1M | head -n1)
    for t in "${TARGETS[@]}"; do
        cold=()
        for ((i = 1; i <= COLD_RUNS; i++)); do
            log "=== $t: first index of $IDX_N files, cold run $i/$COLD_RUNS"
            STATE_DIR="$WORK/state/$t-idx"
            rm -rf "$STATE_DIR"
            drop_caches "$probe"
            start_server "$t" "$IDX_DIR/data" "$STATE_DIR" || die "cannot start $t"
            if wait_index "$t" "$INDEX_TIMEOUT" "$IDX_N"; then
                cold+=("$WALL"); sample "$t" cold_wall_s "$i" "$WALL"; sample "$t" cold_self_s "$i" "$SELF"
                sample "$t" cold_rss_MiB "$i" "$RSS"; sample "$t" cold_cpu_s "$i" "$CPU"; sample "$t" cold_files "$i" "$NFILES"
                R[$t.cold_self]=$SELF R[$t.cold_rss]=$RSS R[$t.cold_cpu]=$CPU R[$t.cold_files]=$NFILES
                COLD_OK[$t]=1
            else
                cold+=(ERR); sample "$t" cold_wall_s "$i" ERR; FAILS=$((FAILS + 1))
            fi
            stop_server
            tail -n 100 "$SLOG" > "$LOGDIR/$t-cold-$i.log.tail" 2>/dev/null
        done
        R[$t.cold]=$(median "${cold[@]}")
    done
    if ! skipped rescan; then
        declare -A RS
        for ((i = 1; i <= RESCAN_RUNS; i++)); do
            for t in "${TARGETS[@]}"; do
                STATE_DIR="$WORK/state/$t-idx"
                [[ -n "${COLD_OK[$t]:-}" ]] || { ((i > 1)) || log "=== $t: no rescan (its first index failed)"; continue; }
                log "=== $t: rescan, nothing changed, run $i/$RESCAN_RUNS (page cache warm)"
                start_server "$t" "$IDX_DIR/data" "$STATE_DIR" || die "cannot start $t"
                if wait_index "$t" "$INDEX_TIMEOUT" "$IDX_N"; then
                    RS[$t]+="$WALL "; sample "$t" rescan_wall_s "$i" "$WALL"; sample "$t" rescan_self_s "$i" "$SELF"
                    R[$t.rescan_self]+="$SELF "
                else
                    sample "$t" rescan_wall_s "$i" ERR; FAILS=$((FAILS + 1))
                fi
                stop_server
                tail -n 30 "$SLOG" > "$LOGDIR/$t-rescan-$i.log.tail" 2>/dev/null
            done
        done
        for t in "${TARGETS[@]}"; do
            # shellcheck disable=SC2086
            R[$t.rescan]=$(median ${RS[$t]:-ERR})
            # shellcheck disable=SC2086
            R[$t.rescan_self]=$(median ${R[$t.rescan_self]:-ERR})
        done
    fi
fi

if ! skipped search; then
    gen_srch
    for t in "${TARGETS[@]}"; do
        log "=== $t: index of $SRCH_N empty files, then $SRCH_Q searches"
        STATE_DIR="$WORK/state/$t-srch"
        rm -rf "$STATE_DIR"
        start_server "$t" "$SRCH_DIR/data" "$STATE_DIR" || die "cannot start $t"
        if wait_index "$t" "$INDEX_TIMEOUT" "$SRCH_N"; then
            R[$t.srch_idx]=$WALL R[$t.srch_rss]=$RSS
            sample "$t" srch_index_wall_s 1 "$WALL"; sample "$t" srch_index_rss_MiB 1 "$RSS"
            if srch_run "$t" "$LOGDIR/$t-search.tsv"; then
                R[$t.p50]=$P50 R[$t.p99]=$P99
                sample "$t" search_p50_ms 1 "$P50"; sample "$t" search_p99_ms 1 "$P99"
                ((NBAD == 0)) || FAILS=$((FAILS + 1))
            else
                FAILS=$((FAILS + 1))
            fi
            R[$t.srch_rss_after]=$(tree_hwm_mib "$SPID")
        else
            FAILS=$((FAILS + 1))
        fi
        stop_server
        tail -n 30 "$SLOG" > "$LOGDIR/$t-srch.log.tail" 2>/dev/null
        rm -rf "$STATE_DIR"
    done
fi
LOAD_END=$(loadavg)
log "load average at the end: $LOAD_END"

# ---------------------------------------------------------------- report
{
    for k in "${!R[@]}"; do printf '%s\t%s\n' "$k" "${R[$k]}"; done
} > "$LOGDIR/summary.tsv"
IDX_DESC=$(cat "$IDX_DIR/.done" 2>/dev/null || echo "not generated")
export TSV IDX_ARGS RUN_ID SP_VERSION CPP_VERSION DROP_STATE LOAD_START LOAD_END IDX_DESC IDX_N SRCH_N SRCH_Q COLD_RUNS RESCAN_RUNS NFILES_BAD
"$CPP_PYTHON" - "$LOGDIR/summary.tsv" "$MD" "$LOGDIR" "${TARGETS[@]}" <<'PY'
import os, platform, sys
summ, md, logdir, *targets = sys.argv[1:]
E = os.environ
R = dict(l.rstrip("\n").split("\t", 1) for l in open(summ) if "\t" in l)
def num(x):
    try: return float(x)
    except (TypeError, ValueError): return None
ref = targets[0]
rows = [
    ("cold", "first index, %s files, cold, s wall (%s)" % (f"{int(E['IDX_N']):,}", "median of %s runs" % E["COLD_RUNS"] if E["COLD_RUNS"] != "1" else "single run"), "<= 0.33x"),
    ("cold_self", "  same, as the server reports it, s", ""),
    ("cold_files", "  files in the index afterwards", ""),
    ("cold_rss", "  peak RSS during it (VmHWM), MiB", ""),
    ("cold_cpu", "  server CPU time, s", ""),
    ("rescan", "rescan, nothing changed, s wall (restart to done), median of %s" % E["RESCAN_RUNS"], "<= 0.2x"),
    ("rescan_self", "  same, as the server reports it, median, s", ""),
    ("srch_idx", "index of %s empty files (for the search), s wall" % f"{int(E['SRCH_N']):,}", ""),
    ("srch_rss", "  peak RSS during it, MiB", ""),
    ("p50", "search `name like *SUB*`, p50 ms over %s queries" % E["SRCH_Q"], "< 20 ms"),
    ("p99", "  p99 ms", ""),
    ("srch_rss_after", "  peak RSS after the searches, MiB", ""),
]
# hit counts query by query
agree = ""
files = {t: os.path.join(logdir, t + "-search.tsv") for t in targets}
if len(targets) == 2 and all(os.path.exists(f) for f in files.values()):
    a, b = ([l.split("\t")[4].strip() for l in open(files[t])] for t in targets)
    same = sum(1 for x, y in zip(a, b) if x == y)
    agree = "- search hit counts: %d of %d queries give the same number of hits on both servers" % (same, len(a))
out = ["# index benchmark, run %s" % E["RUN_ID"], "",
       "- host: %s, %d cores, kernel %s; load average at start %s, at end %s (other builds running: figures are noisy)"
       % (platform.machine(), os.cpu_count(), platform.release(), E["LOAD_START"], E["LOAD_END"]),
       "- %s" % E["SP_VERSION"], "- %s" % E["CPP_VERSION"],
       "- flags (both): `-e2dsa -q -i 127.0.0.1 -p PORT -v DATA::r --hist STATE%s` (copyparty also `-lo FILE`)" % ((" " + E["IDX_ARGS"]) if E["IDX_ARGS"] else ""),
       "- data: %s" % E["IDX_DESC"],
       "- page cache dropped before cold runs: %s" % E["DROP_STATE"]]
if agree: out.append(agree)
if E["NFILES_BAD"] != "0": out.append("- **WARNING: a server indexed a different number of files than there are (see the log)**")
out.append("")
cols = ["metric"] + targets + ["%s / %s" % (t, ref) for t in targets[1:]] + ["target"]
out.append("| " + " | ".join(cols) + " |")
out.append("|" + "---|" * len(cols))
for key, name, target in rows:
    vals = [R.get("%s.%s" % (t, key), "-") or "-" for t in targets]
    if all(v == "-" for v in vals):
        continue
    ratios = []
    for t in targets[1:]:
        a, b = num(R.get("%s.%s" % (t, key))), num(R.get("%s.%s" % (ref, key)))
        ratios.append("%.3f" % (a / b) if a is not None and b not in (None, 0.0) and key not in ("cold_files",) else "")
    out.append("| " + " | ".join([name] + vals + ratios + [target]) + " |")
out.append("")
out.append("Every sample: `%s`; logs: `%s/`." % (E["TSV"], logdir))
text = "\n".join(out) + "\n"
with open(md, "a", encoding="utf-8") as f:
    f.write(text + "\n")
print(text)
PY
log "results: $MD (appended), samples $TSV, logs $LOGDIR"
((NFILES_BAD == 0)) || log "WARNING: a server indexed a different number of files than there are"
((FAILS == 0)) || { log "$FAILS measurement(s) failed; see the log"; exit 1; }
