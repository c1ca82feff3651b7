#!/usr/bin/env bash
# FTP side by side in one run: SharpParty vs copyparty (pyftpdlib) vs vsftpd. Not part of CI.
#   1 GiB RETR and STOR (curl, MiB/s), 1,000 small files with lftp mirror up and down (seconds), one file at a time
#   and 8 at once (mirror -P 8).
# Medians of RUNS (default 3); ratios ours/peer. Everything on 127.0.0.1; each server is started here and stopped by PID.
#
#   CPP_SRC=/work/cpp-src bench/ftp.sh   (needs: curl, lftp, vsftpd, and Debian's /usr/bin/python3 with python3-pyftpdlib
#   and python3-jinja2 for copyparty's --ftp; run as root for vsftpd)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cpp=${CPP_SRC:-/work/cpp-src}
runs=${RUNS:-3}
work=${BENCH_DIR:-/tmp/sp-ftpbench}
build=$work/build
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
rm -rf "$work"/{ours,cpp,vs,state,dl*}; mkdir -p "$work"/{ours,cpp,vs}/up "$work/state"
dotnet publish "$repo/src/SharpParty" -c Release -o "$build" >/dev/null

# the inputs are kept between runs (making them takes minutes on a loaded machine)
if [[ $(find "$work/src/small" -type f 2>/dev/null | wc -l) != 1000 || $(stat -c %s "$work/src/big.bin" 2>/dev/null) != 1073741824 ]]; then
    echo "bench: making a 1 GiB file and 1,000 small files (1-16 KiB in 10 folders)"
    rm -rf "$work/src"; mkdir -p "$work/src/small"
    head -c 1G /dev/urandom > "$work/src/big.bin"
    for d in $(seq 0 9); do
        mkdir -p "$work/src/small/d$d"
        for f in $(seq 0 99); do head -c $(( (RANDOM % 16 + 1) * 1024 )) /dev/urandom > "$work/src/small/d$d/f$f.bin"; done
    done
fi
for s in ours cpp vs; do ln "$work/src/big.bin" "$work/$s/big.bin"; done
chown ftp:ftp "$work/vs/up" 2>/dev/null || true

# ours and copyparty: the same copyparty-style flags; anonymous read-write
env -C "$work/state" "$build/sharpparty" -i 127.0.0.1 -p 39501 --ftp 39521 --ftp-pr 39600-39699 -q \
    --ses-db "$work/state/ses.db" -v "$work/ours::rwmd" > "$work/ours.log" 2>&1 &
pids+=($!)
env -C "$work/state" PYTHONPATH="$cpp" XDG_CONFIG_HOME="$work/state/cpp-cfg" /usr/bin/python3 -m copyparty -i 127.0.0.1 -p 39502 \
    --ftp 39522 --ftp-pr 39700-39799 -q -v "$work/cpp::rwmd" > "$work/cpp.log" 2>&1 &
pids+=($!)
cat > "$work/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=39523
background=NO
anonymous_enable=YES
local_enable=NO
anon_root=$work/vs
no_anon_password=YES
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
# uploads readable again by anonymous (the default 077 makes them undownloadable)
anon_umask=022
allow_writeable_chroot=YES
pasv_address=127.0.0.1
pasv_min_port=39800
pasv_max_port=39899
seccomp_sandbox=NO
xferlog_enable=NO
secure_chroot_dir=/var/run/vsftpd/empty
CONF
mkdir -p /var/run/vsftpd/empty
vsftpd "$work/vsftpd.conf" > "$work/vs.log" 2>&1 &
pids+=($!)
# startup takes a while on a loaded machine: wait for each control port
for p in 39521 39522 39523; do
    for _ in $(seq 1 120); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.5; done
done

declare -A port=([ours]=39521 [cpp]=39522 [vs]=39523)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mibs() { awk -v b="$1" 'BEGIN {printf "%.0f", b/1048576}'; }
declare -A res
echo "bench: commit $(git -C "$repo" rev-parse --short HEAD), $(date -u '+%F %T') UTC, load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for r in $(seq 1 "$runs"); do
    for s in ours cpp vs; do
        p=${port[$s]}
        sync; sleep 1
        v=$(curl -sS -o /dev/null -w '%{speed_download}' "ftp://127.0.0.1:$p/big.bin"); res[$s.retr]+="$(mibs "$v") "
        v=$(curl -sS -T "$work/src/big.bin" -w '%{speed_upload}' "ftp://127.0.0.1:$p/up/big$r.bin"); res[$s.stor]+="$(mibs "$v") "
        rm -f "$work/$s/up/big$r.bin"; sync
        t0=$(date +%s.%N)
        lftp -p "$p" -u anonymous,x 127.0.0.1 -e "set ftp:ssl-allow no; set cmd:fail-exit yes; mirror -R $work/src/small up/small$r; quit" >/dev/null
        t1=$(date +%s.%N)
        rm -rf "$work/dl$s"
        lftp -p "$p" -u anonymous,x 127.0.0.1 -e "set ftp:ssl-allow no; set cmd:fail-exit yes; mirror up/small$r $work/dl$s; quit" >/dev/null
        t2=$(date +%s.%N)
        [[ $(find "$work/dl$s" -type f | wc -l) == 1000 ]] || { echo "bench: $s mirror down incomplete" >&2; exit 1; }
        # the same with 8 files at once (lftp's own round trips no longer pace everything)
        rm -rf "$work/dlp$s"
        t3=$(date +%s.%N)
        lftp -p "$p" -u anonymous,x 127.0.0.1 -e "set ftp:ssl-allow no; set cmd:fail-exit yes; mirror -R -P 8 $work/src/small up/psmall$r; quit" >/dev/null
        t4=$(date +%s.%N)
        lftp -p "$p" -u anonymous,x 127.0.0.1 -e "set ftp:ssl-allow no; set cmd:fail-exit yes; mirror -P 8 up/psmall$r $work/dlp$s; quit" >/dev/null
        t5=$(date +%s.%N)
        [[ $(find "$work/dlp$s" -type f | wc -l) == 1000 ]] || { echo "bench: $s mirror -P 8 down incomplete" >&2; exit 1; }
        res[$s.up]+="$(echo "$t1 - $t0" | bc) "
        res[$s.down]+="$(echo "$t2 - $t1" | bc) "
        res[$s.upp]+="$(echo "$t4 - $t3" | bc) "
        res[$s.downp]+="$(echo "$t5 - $t4" | bc) "
        echo "run $r $s: retr/stor MiB/s ${res[$s.retr]}/ ${res[$s.stor]}; up/down s ${res[$s.up]}/ ${res[$s.down]}; -P 8 up/down s ${res[$s.upp]}/ ${res[$s.downp]}" >&2
    done
done
printf '\n%-28s %12s %12s %12s %10s %10s\n' "metric (median of $runs)" ours copyparty vsftpd "ours/cpp" "ours/vs"
for m in retr stor up down upp downp; do
    o=$(echo ${res[ours.$m]} | tr ' ' '\n' | median); c=$(echo ${res[cpp.$m]} | tr ' ' '\n' | median); v=$(echo ${res[vs.$m]} | tr ' ' '\n' | median)
    case $m in
        retr) name="1 GiB RETR MiB/s"; rc=$(echo "scale=2; $o / $c" | bc); rv=$(echo "scale=2; $o / $v" | bc) ;;
        stor) name="1 GiB STOR MiB/s"; rc=$(echo "scale=2; $o / $c" | bc); rv=$(echo "scale=2; $o / $v" | bc) ;;
        up) name="mirror -R 1000 files, s"; rc=$(echo "scale=2; $c / $o" | bc); rv=$(echo "scale=2; $v / $o" | bc) ;;
        down) name="mirror 1000 files, s"; rc=$(echo "scale=2; $c / $o" | bc); rv=$(echo "scale=2; $v / $o" | bc) ;;
        upp) name="mirror -R -P 8 1000 files, s"; rc=$(echo "scale=2; $c / $o" | bc); rv=$(echo "scale=2; $v / $o" | bc) ;;
        downp) name="mirror -P 8 1000 files, s"; rc=$(echo "scale=2; $c / $o" | bc); rv=$(echo "scale=2; $v / $o" | bc) ;;
    esac
    printf '%-28s %12s %12s %12s %9sx %9sx\n' "$name" "$o" "$c" "$v" "$rc" "$rv"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(ratios: >1 means ours is faster; all runs: $(declare -p res | tr -d '\n' | cut -c1-600))"
