#!/usr/bin/env bash
# Gallery listing benchmark: 10,000 archived tasks, then the median time of 50 requests for
# page 1 and page 100 of the gallery (`GET /`, 24 cards a page, each reading its task's
# index.json) and of the API (`GET /v1/tasks`, 100 a page), against the release build.
#
# The archive is made from one real task (archived by `darkroom demo`), copied 10,000 times
# under new ids with a task row each, so the listing reads real index files and posters.
#
#   Benchmarks/gallery.sh            # TASKS=10000 REQUESTS=50
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/lib.sh
scripts/setup.sh --tests
tasks=${TASKS:-10000}
requests=${REQUESTS:-50}
serve_scratch gallery

swift build -c release --product darkroom >&2
darkroom=.build/release/darkroom
"$darkroom" demo --data "$work/data" >&2

python3 - "$work/data" "$tasks" <<'PY'
import json, os, shutil, sqlite3, sys
data, count = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(os.path.join(data, "darkroom.sqlite"))
row = db.execute("select * from tasks where state = 'archived'").fetchone()
columns = [c[1] for c in db.execute("pragma table_info(tasks)")]
template = dict(zip(columns, row))
source = os.path.join(data, "archive", template["folder"])
day = os.path.dirname(template["folder"])
index = json.load(open(os.path.join(source, "index.json")))
for n in range(count):
    task = dict(template)
    task["id"] = f"bench-{n:05d}"
    task["folder"] = f"{day}/{task['id']}"
    task["first_seen_at"] = template["first_seen_at"] + n
    target = os.path.join(data, "archive", task["folder"])
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.mp4", "thumbs", "storyboard.*"))
    index["task"]["id"], index["folder"] = task["id"], task["folder"]
    json.dump(index, open(os.path.join(target, "index.json"), "w"))
    db.execute(f"insert into tasks ({','.join(columns)}) values ({','.join('?' * len(columns))})", [task[c] for c in columns])
db.commit()
PY

serve_release "$work/data" --download-workers 0 --media-workers 0

# The cursor of page N is the last task of page N-1 (newest first), in the server's format.
cursor() {  # page size, page number
  python3 - "$work/data/darkroom.sqlite" "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
size, page = int(sys.argv[2]), int(sys.argv[3])
seen, provider, task = db.execute("select first_seen_at, provider, id from tasks order by first_seen_at desc, provider desc, id desc limit 1 offset ?",
                                  ((page - 1) * size - 1,)).fetchone()
print(f"{seen}-{provider.encode().hex()}-{task.encode().hex()}")
PY
}
median_ms() {  # url
  for _ in $(seq "$requests"); do curl -s -o /dev/null -w '%{time_total}\n' "$1"; done |
    sort -n | awk '{t[NR]=$1} END {printf "%.1f", t[int((NR+1)/2)] * 1000}'
}
base="http://127.0.0.1:$port"
gallery100="$base/?cursor=$(cursor 24 100)"
api100="$base/v1/tasks?cursor=$(cursor 100 100)"
# Every page must be a 200: an error page would be timed as a fast page.
for url in "$base/" "$gallery100" "$base/v1/tasks" "$api100"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
  [[ $status == 200 ]] || { echo "$url answered $status" >&2; exit 1; }
done
echo "| request | median (ms) over $requests |"
echo "|---|---|"
echo "| gallery page 1 (\`GET /\`) | $(median_ms "$base/") |"
echo "| gallery page 100 | $(median_ms "$gallery100") |"
echo "| API page 1 (\`GET /v1/tasks\`) | $(median_ms "$base/v1/tasks") |"
echo "| API page 100 | $(median_ms "$api100") |"
echo "| tasks in the store | $(curl -s "$base/metrics" | awk '/^darkroom_tasks\{state="archived"\}/ {print $2}') archived |"
