#!/usr/bin/env bash
# Runs the whole test suite (unit + integration against real servers on 127.0.0.1) and ends with one line:
#   N passed, N failed
# Needs: the .NET SDK, curl, litmus and rclone (WebDAV). `.ci/run` installs what a fresh machine lacks, then calls this.
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
dotnet test SharpParty.slnx -c Release --nologo 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# each test assembly prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T" (or "Failed!  - ...")
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- +Failed: ' "$log" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \1 \3/' \
    | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
    # the build or a test host broke before any test could report: count it as a failure
    failed=1
fi
rm -f "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[[ $rc -eq 0 && $failed -eq 0 ]]
