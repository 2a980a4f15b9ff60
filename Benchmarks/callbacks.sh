#!/usr/bin/env bash
# Callback intake benchmark: `wrk` posts distinct callbacks (a new task id each) over 64
# connections to the real `darkroom serve` (release build) with its durable SQLite store, then
# measures `GET /healthz` the same way in the same run, then counts the database's rows to show
# that every callback answered 200 was stored.
#
#   Benchmarks/callbacks.sh                       # 30 s each
#   SECONDS_EACH=10 CONNECTIONS=64 Benchmarks/callbacks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/lib.sh
scripts/setup.sh
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; } >&2

duration=${SECONDS_EACH:-30}
connections=${CONNECTIONS:-64}
serve_scratch callbacks

swift build -c release --product darkroom >&2
serve_release "$work/data"

echo "== POST /v1/callbacks/kling, ${duration}s, $connections connections" >&2
wrk -t2 -c"$connections" -d"${duration}s" --latency -s Benchmarks/callbacks.lua \
  "http://127.0.0.1:$port/v1/callbacks/kling" | tee "$work/callbacks.txt"
echo "== GET /healthz, ${duration}s, $connections connections" >&2
wrk -t2 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port/healthz" | tee "$work/healthz.txt"

kill "$server"
wait "$server" || true
server=
rows=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from callbacks").fetchone()[0])' "$work/data/darkroom.sqlite")
answered=$(awk '/^status 200:/ {print $3}' "$work/callbacks.txt")
rate=$(awk '/^Requests\/sec:/ {print $2}' "$work/callbacks.txt")
health=$(awk '/^Requests\/sec:/ {print $2}' "$work/healthz.txt")
p99=$(awk '/^p99_ms/ {print $2}' "$work/callbacks.txt")
others=$(awk '/^status / && $2 != "200:" {n += $3} END {print n + 0}' "$work/callbacks.txt")
echo
echo "| what | value |"
echo "|---|---|"
echo "| callbacks accepted per second | $rate |"
echo "| callback p99 latency (ms) | $p99 |"
echo "| GET /healthz per second | $health |"
echo "| callbacks / healthz | $(awk -v a="$rate" -v b="$health" 'BEGIN {printf "%.2f", a / b}') |"
echo "| answered 200 | $answered |"
echo "| answered otherwise | $others |"
echo "| callback rows in the database | $rows |"
echo "| answered 200 but not stored | $(( answered > rows ? answered - rows : 0 )) |"
