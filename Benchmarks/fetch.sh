#!/usr/bin/env bash
# Download benchmark: `darkroom fetch` against `curl -o`, the same files from the same local nginx,
# in the same run. Reports median wall time and peak resident memory (from /usr/bin/time) for a
# 200 MB and a 1 GB file, and for eight parallel downloads of the 200 MB file (`curl --parallel`
# against one `darkroom fetch` given eight URLs).
#
#   Benchmarks/fetch.sh                 # outputs to /dev/shm (tmpfs): measures the download engine
#   OUT=/var/tmp Benchmarks/fetch.sh    # outputs to disk: includes darkroom's fsync, which curl skips
#   RUNS=7 SIZES="200 1024" Benchmarks/fetch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [[ ! -x /usr/sbin/nginx || ! -x /usr/bin/time ]]; then
  { apt-get update -q && apt-get install -y -q nginx-light time; } >&2
fi

runs=${RUNS:-5}
sizes=${SIZES:-"200 1024"}
out_root=${OUT:-/dev/shm}
work=$(mktemp -d /var/tmp/darkroom-bench.XXXXXX)
chmod 755 "$work"  # nginx's workers run as another user
out=$(mktemp -d "$out_root/darkroom-bench-out.XXXXXX")
port=$((20000 + RANDOM % 20000))
cleanup() {
  [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work" "$out"
}
trap cleanup EXIT

swift build -c release --product darkroom >&2
darkroom=.build/release/darkroom

mkdir -p "$work/www" "$work/logs"
for size in $sizes; do
  head -c "${size}M" /dev/urandom > "$work/www/${size}M.bin"
done
# Written back now, not by a kernel flusher competing for the cores during the timed runs.
sync "$work/www/"*.bin
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
daemon on;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  server { listen 127.0.0.1:$port; root $work/www; }
}
CONF
/usr/sbin/nginx -c "$work/nginx.conf" -p "$work"
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf -o /dev/null "$base/${sizes%% *}M.bin" -r 0-0 && break; sleep 0.1; done

source Benchmarks/lib.sh

echo "| case | tool | median wall (s) | median CPU (s) | median peak RSS (MiB) | runs |"
echo "|---|---|---|---|---|---|"
for size in $sizes; do
  url="$base/${size}M.bin"
  : > "$work/curl.txt"; : > "$work/darkroom.txt"; : > "$work/curlsame.txt"
  for _ in $(seq "$runs"); do
    rm -f "$out"/*
    measure curl -sS -o "$out/curl.bin" "$url" >> "$work/curl.txt"
    rm -f "$out"/*
    measure "$darkroom" fetch --allow-private "$url" -o "$out/darkroom.bin" >> "$work/darkroom.txt"
    rm -f "$out"/*
    measure sh -c "curl -sS -o '$out/same.bin' '$url' && sha256sum '$out/same.bin' && sync '$out/same.bin'" >> "$work/curlsame.txt"
  done
  # The bytes and the hash are right, or the timing means nothing.
  "$darkroom" fetch --allow-private "$url" -o "$out/check.bin" | cut -d' ' -f1 > "$work/ours"
  sha256sum "$work/www/${size}M.bin" | cut -d' ' -f1 > "$work/theirs"
  cmp -s "$work/ours" "$work/theirs" || { echo "hash mismatch for ${size}M" >&2; exit 1; }
  row "${size} MB" "curl -o" "$work/curl.txt"
  row "${size} MB" "darkroom fetch" "$work/darkroom.txt"
  row "${size} MB" "curl -o + sha256sum + sync (the same work)" "$work/curlsame.txt"
done

first=${sizes%% *}
url="$base/${first}M.bin"
curl_args=(); dr_args=()
for i in $(seq 8); do
  curl_args+=(-o "$out/c$i.bin" "$url")
  dr_args+=("$url" -o "$out/d$i.bin")
done
: > "$work/pcurl.txt"; : > "$work/pdarkroom.txt"
for _ in $(seq "$runs"); do
  rm -f "$out"/*
  measure curl -sS --parallel --parallel-max 8 "${curl_args[@]}" >> "$work/pcurl.txt"
  rm -f "$out"/*
  measure "$darkroom" fetch --allow-private "${dr_args[@]}" >> "$work/pdarkroom.txt"
done
row "8 × ${first} MB in parallel" "curl --parallel" "$work/pcurl.txt"
row "8 × ${first} MB in parallel" "darkroom fetch (8 URLs)" "$work/pdarkroom.txt"
: > "$work/start.txt"
for _ in $(seq "$runs"); do measure "$darkroom" --help >> "$work/start.txt"; done
row "start-up only" "darkroom --help" "$work/start.txt"
echo
echo "outputs on: $(df --output=fstype "$out" | tail -1) ($out_root); $(nproc) cores; $(curl --version | head -1 | cut -d' ' -f1-2)"
