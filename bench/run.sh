#!/usr/bin/env bash
# Side-by-side benchmark of SharpParty against nginx and copyparty, through the shared reference harness
# (../shared/bench/run.sh): 1 GiB download, 4 KiB file req/s (wrk -c32), 10,000-file listing, 1 GiB PUT,
# peak RSS, startup time. Not part of CI.
#
#   CPP_SRC=/path/to/copyparty-1.15.9-tree bench/run.sh [TARGET ...]
#
# Builds SharpParty with Native AOT (needs clang + zlib1g-dev; BENCH_JIT=1 for a plain Release build) into
# $BENCH_BUILD, then runs the harness with the targets given (default: nginx, copyparty -q, ours).
# Our server gets copyparty's flags: -i 127.0.0.1 -p PORT -q --hist STATE/hist -v DATA::r -v UP:up:rwmd.
# u2c.py (up2k) runs against ours too (copyparty's own client, unchanged).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_BENCH:-$repo/../shared/bench/run.sh}
build=${BENCH_BUILD:-/tmp/sharpparty-bench-build}
if [[ -z "${CPP_SRC:-}" || ! -f "$CPP_SRC/copyparty/__main__.py" ]]; then
    echo "bench: set CPP_SRC to a copyparty source tree (e.g. git archive of v1.15.9)" >&2
    exit 2
fi
if [[ ! -x "$shared" ]]; then
    echo "bench: shared harness not found at $shared (set SHARED_BENCH)" >&2
    exit 2
fi
rm -rf "$build"
if [[ "${BENCH_JIT:-0}" == 1 ]]; then
    dotnet publish "$repo/src/SharpParty" -c Release -o "$build" >/dev/null
    flavour=jit
else
    dotnet publish "$repo/src/SharpParty" -c Release -r linux-x64 -p:PublishAot=true -o "$build" >/dev/null
    flavour=aot
fi
export OURS_CMD="$build/sharpparty -i 127.0.0.1 -p {port} -q --hist {state}/hist -v {data}::r -v {up}:up:rwmd"
export OURS_VERSION="sharpparty $(git -C "$repo" rev-parse --short HEAD) ($flavour)"
export OURS_LS_SUFFIX='?ls'
export OURS_U2C=1
export BENCH_OUT=${BENCH_OUT:-$repo/bench/results}
if (($#)); then
    exec "$shared" "$@"
fi
exec "$shared" nginx "copyparty=copyparty:-q" ours
