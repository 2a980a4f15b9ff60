#!/usr/bin/env bash
# Many processes on one PostgreSQL, against the embedded SQLite store, in one run (release build):
#  1. ingest: `wrk` posts distinct callbacks over 64 connections to one `darkroom serve` on SQLite,
#     then to one on PostgreSQL; the rows are counted after each (answered 200 but not stored: 0);
#  2. two processes on the same database, each taking half the load (32 connections each) on half
#     the cores (--threads 1 here), against one process alone; then the same two processes on
#     the default threads (a loop and a pool per core each), for comparison;
#  3. archive throughput with many tiny clips: 1 process with 4 download and 2 media workers
#     against 2 processes (--threads 1) with 2 and 1 each, on PostgreSQL, the clips served on
#     127.0.0.1;
#  4. the doorbell between processes: a callback to a process without workers, claimed by another
#     (the time from its 200 to the claim, from the logs), against the one-second tick.
#
#   Benchmarks/postgres.sh                         # 20 s each, 200 clips
#   SECONDS_EACH=10 CLIPS=100 Benchmarks/postgres.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/lib.sh
scripts/setup.sh --tests
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; } >&2

duration=${SECONDS_EACH:-20}
clips=${CLIPS:-200}
work=$(mktemp -d /var/tmp/darkroom-postgres.XXXXXX)
chmod 755 "$work"
# Every process started here names $work in its arguments.
trap 'pkill -f "$work/" 2>/dev/null; [[ -n ${pg:-} ]] && $as_pg "$bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1; rm -rf "$work"' EXIT

# A scratch PostgreSQL, as the postgres user when this is root (the server refuses root).
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg=""
if [[ $(id -u) -eq 0 ]]; then as_pg="setpriv --reuid=postgres --regid=postgres --init-groups"; chown postgres "$work"; fi
pg_port=$((20000 + RANDOM % 20000))
$as_pg "$bin/initdb" -D "$work/pg" -U darkroom -A trust --no-sync >/dev/null
$as_pg "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=200 -c synchronous_commit=on" start >/dev/null
pg=1
psql_() { psql -h 127.0.0.1 -p "$pg_port" -U darkroom -X -A -t "$@"; }
newdb() { psql_ -d postgres -c "CREATE DATABASE $1" >/dev/null; echo "postgres://darkroom@127.0.0.1:$pg_port/$1?sslmode=disable"; }

swift build -c release --product darkroom >&2

start() {  # log name, arguments…: starts darkroom serve on a free port, prints "pid port"
  local name=$1 port
  shift
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  .build/release/darkroom serve --port "$port" --log-level "${LEVEL:-warning}" "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 200); do
    if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then echo "$pid $port"; return; fi
    sleep 0.1
  done
  cat "$work/$name.log" >&2
  return 1
}
stop() {  # pids: SIGTERM, and wait until they are gone (they are not this shell's children)
  kill "$@"
  for p in "$@"; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
}
ingest() {  # port, connections, output, task id prefix (two runs at once post distinct tasks)
  wrk -t2 -c"$2" -d"${duration}s" --latency -s Benchmarks/callbacks.lua "http://127.0.0.1:$1/v1/callbacks/kling" -- "${4:-bench}" >"$3"
}
rate() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
ok() { awk '/^status 200:/ {print $3}' "$1"; }
others() { awk '/^status / && $2 != "200:" {n += $3} END {print n + 0}' "$1"; }
p99() { awk '/^p99_ms/ {print $2}' "$1"; }

echo "== 1. ingest, one process: SQLite, then PostgreSQL (${duration}s, 64 connections)" >&2
read -r pid port < <(start sqlite --data "$work/sqlite" --download-workers 0 --media-workers 0)
ingest "$port" 64 "$work/sqlite.txt"
stop "$pid"
sqlite_rows=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from callbacks").fetchone()[0])' "$work/sqlite/darkroom.sqlite")
one=$(newdb one)
read -r pid port < <(start pg1 --data "$work/pg1" --database "$one" --download-workers 0 --media-workers 0)
ingest "$port" 64 "$work/pg1.txt"
stop "$pid"
pg_rows=$(psql_ -d one -c "select count(*) from callbacks")
commits() { psql_ -d postgres -c "select xact_commit from pg_stat_database where datname = '$1'"; }
pg_commits=$(commits one)

two_processes() {  # database name, output prefix, then flags of each process
  local db=$1 name=$2 url pid_a port_a pid_b port_b wa wb
  shift 2
  url=$(newdb "$db")
  read -r pid_a port_a < <(start "${name}a" --data "$work/$name" --database "$url" --download-workers 0 --media-workers 0 "$@")
  read -r pid_b port_b < <(start "${name}b" --data "$work/$name" --database "$url" --download-workers 0 --media-workers 0 "$@")
  ingest "$port_a" 32 "$work/${name}a.txt" a & wa=$!
  ingest "$port_b" 32 "$work/${name}b.txt" b & wb=$!
  wait "$wa" "$wb"
  stop "$pid_a" "$pid_b"
}
cores=$(nproc)
half=$(( cores > 1 ? cores / 2 : 1 ))  # each of two processes on one machine: half its cores
echo "== 2. ingest, two processes on one database, 32 connections each, --threads $half each" >&2
two_processes two pg2 --threads "$half"
two_rows=$(psql_ -d two -c "select count(*) from callbacks")
two_commits=$(commits two)
echo "== 2b. the same on the default threads (one per core each)" >&2
two_processes twodefault pg3

LEVEL=info  # the doorbell is read from the workers' "job claimed" lines
echo "== 3. archive $clips tiny clips: 1 process (4+2 workers) against 2 processes (2+1 each)" >&2
mkdir -p "$work/clips"
ffmpeg -v error -f lavfi -i testsrc2=size=160x90:rate=15 -t 1 -c:v libx264 -pix_fmt yuv420p "$work/clips/clip.mp4"
python3 -m http.server --bind 127.0.0.1 --directory "$work/clips/" 0 >"$work/http.log" 2>&1 &
for _ in $(seq 100); do media=$(grep -oE 'port [0-9]+' "$work/http.log" | grep -oE '[0-9]+' || true); [[ -n $media ]] && break; sleep 0.1; done
post_all() {  # port, label
  for n in $(seq "$clips"); do
    printf '{"task_id":"%s-%d","task_status":"succeed","created_at":1763702400000,"updated_at":1763702460000,"task_result":{"videos":[{"id":"v","url":"http://127.0.0.1:%s/clip.mp4?n=%d","duration":"1"}]}}' \
      "$2" "$n" "$media" "$n" >"$work/cb.json"
    curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary @"$work/cb.json" "http://127.0.0.1:$1/v1/callbacks/kling"
  done
}
archive_run() {  # database name, label, then the worker flags of each process separated by --
  local db=$1 label=$2
  shift 2
  local url
  url=$(newdb "$db")
  # Posted to a process without workers, before the workers start: every run starts from the same queue.
  read -r ipid iport < <(start "$label-in" --data "$work/$label" --database "$url" --download-workers 0 --media-workers 0)
  post_all "$iport" "$label"
  local started=$(date +%s.%N) group=() flags=()
  for arg in "$@" --; do
    if [[ $arg == -- ]]; then read -r wpid _ < <(start "$label-w${#group[@]}" --data "$work/$label" --database "$url" --allow-private "${flags[@]}"); group+=("$wpid"); flags=(); else flags+=("$arg"); fi
  done
  until [[ $(psql_ -d "$db" -c "select count(*) from tasks where state in ('archived','failed')") == "$clips" ]]; do sleep 0.2; done
  local took
  took=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  local failed
  failed=$(psql_ -d "$db" -c "select count(*) from tasks where state = 'failed'")
  stop "$ipid" "${group[@]}"
  # Tasks archived at a second attempt or later: a download retried after its back-off, which
  # alone can make one run's time an outlier.
  local retried
  retried=$(psql_ -d "$db" -c "select count(*) from tasks where attempts > 1")
  [[ $retried == 0 ]] || grep -h ' error ' "$work/$label"-*.log | head -20 >&2
  echo "$took $failed $retried"
}
read -r one_took one_failed one_retried < <(archive_run archone one --download-workers 4 --media-workers 2)
read -r two_took two_failed two_retried < <(archive_run archtwo two --download-workers 2 --media-workers 1 --threads "$half" -- --download-workers 2 --media-workers 1 --threads "$half")

echo "== 4. the doorbell: a callback to a process without workers, claimed by another" >&2
bell=$(newdb bell)
read -r tpid tport < <(start bell-in --data "$work/bell" --database "$bell" --download-workers 0 --media-workers 0)
read -r wpid _ < <(start bell-w --data "$work/bell" --database "$bell" --allow-private)
delays=()
for n in $(seq 20); do
  printf '{"task_id":"bell-%d","task_status":"succeed","created_at":1763702400000,"updated_at":1763702460000,"task_result":{"videos":[{"id":"v","url":"http://127.0.0.1:%s/clip.mp4?b=%d","duration":"1"}]}}' \
    "$n" "$media" "$n" >"$work/cb.json"
  sent=$(date +%s%N)
  curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary @"$work/cb.json" "http://127.0.0.1:$tport/v1/callbacks/kling"
  answered=$(date +%s%N)
  until grep -q "task_id=bell-$n .*job claimed\|job claimed.*task_id=bell-$n" "$work/bell-w.log"; do sleep 0.005; done
  claimed=$(date +%s%N)
  delays+=("$(( (claimed - answered) / 1000000 ))")
  sleep 0.3
done
stop "$tpid" "$wpid"
sorted=$(printf '%s\n' "${delays[@]}" | sort -n)
bell_median=$(echo "$sorted" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
bell_max=$(echo "$sorted" | tail -1)

answered_pg=$(ok "$work/pg1.txt")
answered_two=$(( $(ok "$work/pg2a.txt") + $(ok "$work/pg2b.txt") ))
echo
echo "| what | SQLite, 1 process | PostgreSQL, 1 process | PostgreSQL, 2 processes, --threads $half each |"
echo "|---|---|---|---|"
echo "| callbacks accepted per second | $(rate "$work/sqlite.txt") | $(rate "$work/pg1.txt") | $(awk -v a="$(rate "$work/pg2a.txt")" -v b="$(rate "$work/pg2b.txt")" 'BEGIN {print a + b}') |"
echo "| the same, both processes on the default threads | | | $(awk -v a="$(rate "$work/pg3a.txt")" -v b="$(rate "$work/pg3b.txt")" 'BEGIN {print a + b}') |"
echo "| p99 latency (ms) | $(p99 "$work/sqlite.txt") | $(p99 "$work/pg1.txt") | $(p99 "$work/pg2a.txt") / $(p99 "$work/pg2b.txt") |"
echo "| callbacks per PostgreSQL transaction (all of the database's commits) | | $(awk -v r="$pg_rows" -v c="$pg_commits" 'BEGIN {printf "%.1f", r / c}') | $(awk -v r="$two_rows" -v c="$two_commits" 'BEGIN {printf "%.1f", r / c}') |"
echo "| answered 200 | $(ok "$work/sqlite.txt") | $answered_pg | $answered_two |"
echo "| answered otherwise | $(others "$work/sqlite.txt") | $(others "$work/pg1.txt") | $(( $(others "$work/pg2a.txt") + $(others "$work/pg2b.txt") )) |"
echo "| callback rows stored | $sqlite_rows | $pg_rows | $two_rows |"
echo "| answered 200 but not stored | $(( $(ok "$work/sqlite.txt") > sqlite_rows ? $(ok "$work/sqlite.txt") - sqlite_rows : 0 )) | $(( answered_pg > pg_rows ? answered_pg - pg_rows : 0 )) | $(( answered_two > two_rows ? answered_two - two_rows : 0 )) |"
echo
echo "| archive $clips tiny clips on PostgreSQL | seconds | failed | archived after a retry |"
echo "|---|---|---|---|"
echo "| 1 process, 4 download + 2 media workers | $one_took | $one_failed | $one_retried |"
echo "| 2 processes, 2 download + 1 media workers and --threads $half each | $two_took | $two_failed | $two_retried |"
echo
echo "| doorbell: from a callback's 200 at one process to the claim at another (20 callbacks) | ms |"
echo "|---|---|"
echo "| median | $bell_median |"
echo "| slowest | $bell_max |"
