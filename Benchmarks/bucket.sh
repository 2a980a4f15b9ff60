#!/usr/bin/env bash
# Bucket benchmark: archiving a large result into an S3-compatible bucket (SeaweedFS on
# loopback), against `aws s3 cp` (PyPI's awscli) of the same file, in the same run:
#   (a) aws s3 cp FILE s3://bench/… (its defaults: 8 MiB parts, 10 at once)
#   (b) darkroom process: the callback's URL downloaded from a loopback HTTP server, probed,
#       and committed into the bucket (16 MiB parts, 4 at once, each with its SHA-256)
#   (c) darkroom process into a folder archive: the same download and probe, committed by a
#       rename, so (b) − (c) is what the bucket costs
# Reports median wall time, CPU time and peak resident memory (/usr/bin/time) per file size;
# the goal: (b) − (c) within 1.2× of (a), and (b)'s peak memory under 128 MiB and flat in the
# file's size.
#
#   Benchmarks/bucket.sh
#   RUNS=3 SIZES="256 1024" DARKROOM=.build/release/darkroom Benchmarks/bucket.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
if [[ ! -x /usr/bin/time ]]; then
  { apt-get update -q && apt-get install -y -q time; } >&2
fi

runs=${RUNS:-3}
sizes=${SIZES:-"256 1024"}
work=$(mktemp -d /var/tmp/darkroom-bucket-bench.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
source Benchmarks/lib.sh

if [[ -n ${DARKROOM:-} ]]; then
  darkroom=$DARKROOM
else
  swift build -c release --product darkroom >&2
  darkroom=.build/release/darkroom
fi
venv=.build-python/bin

# SeaweedFS with every port its own, and one identity.
base=$((20000 + RANDOM % 30000))
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
echo '{"identities":[{"name":"bench","credentials":[{"accessKey":"bench","secretKey":"bench-secret"}],"actions":["Admin","Read","Write","List"]}]}' > "$work/s3.json"
mkdir -p "$work/weed"
"$venv/weed" server -dir="$work/weed" -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.port=$base -master.port.grpc=$((base + 1)) \
  -volume.port=$((base + 2)) -volume.port.grpc=$((base + 3)) -filer.port=$((base + 4)) -filer.port.grpc=$((base + 5)) \
  -s3 -s3.port=$((base + 6)) -s3.port.grpc=$((base + 7)) -s3.port.iceberg=0 -s3.port.lance=0 -iam=false \
  -master.telemetry=false -volume.max=500 -master.volumeSizeLimitMB=1024 -s3.config="$work/s3.json" >"$work/weed.log" 2>&1 &
pids+=($!); disown $!
endpoint=http://127.0.0.1:$((base + 6))
aws=("$venv/aws" --endpoint-url "$endpoint")
for _ in $(seq 300); do "${aws[@]}" s3 mb s3://bench >/dev/null 2>&1 && break; sleep 0.2; done
"${aws[@]}" s3 ls s3://bench >/dev/null

# The result server.
mkdir -p "$work/www"
http_port=$((base + 8))
"$venv/python3" -m http.server "$http_port" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
pids+=($!); disown $!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$http_port/" && break; sleep 0.1; done

echo "| file | pipeline | median wall (s) | median CPU (s) | median peak RSS (MiB) | runs |"
echo "|---|---|---|---|---|---|"
for size in $sizes; do
  file="$work/www/result-$size.mp4"
  head -c "${size}M" /dev/urandom > "$file"
  cat > "$work/callback-$size.json" <<JSON
{"task_id": "bench-$size", "task_status": "succeed", "created_at": 1763702400000, "updated_at": 1763702460000,
 "task_result": {"videos": [{"id": "v", "url": "http://127.0.0.1:$http_port/result-$size.mp4", "duration": "5"}]}}
JSON
  for pipeline in a b c; do : > "$work/$pipeline.txt"; done
  for run in $(seq "$runs"); do
    measure "${aws[@]}" s3 cp "$file" "s3://bench/aws/$size-$run.mp4" >> "$work/a.txt"
    rm -rf "$work/data"
    # Random bytes are no video: archived with a problem, exit 1; the timing is what counts.
    measure bash -c "'$darkroom' process '$work/callback-$size.json' --data '$work/data' --allow-private \
      --archive s3://bench/darkroom-$run --s3-endpoint $endpoint --s3-path-style; [[ \$? -le 1 ]]" >> "$work/b.txt"
    rm -rf "$work/data"
    measure bash -c "'$darkroom' process '$work/callback-$size.json' --data '$work/data' --allow-private; [[ \$? -le 1 ]]" >> "$work/c.txt"
  done
  # What went up is the file, or the timing means nothing.
  key=$("${aws[@]}" s3 ls --recursive s3://bench/darkroom-1/ | awk '/source.bin$/ {print $4}')
  "${aws[@]}" s3 cp "s3://bench/$key" "$work/back.bin" >/dev/null
  cmp "$file" "$work/back.bin" || { echo "the archived object differs from the file" >&2; exit 1; }
  rm -f "$work/back.bin"
  "${aws[@]}" s3 rm --recursive s3://bench/ >/dev/null

  row "$size MiB" "(a) aws s3 cp" "$work/a.txt"
  row "$size MiB" "(b) darkroom process into the bucket" "$work/b.txt"
  row "$size MiB" "(c) darkroom process into a folder" "$work/c.txt"
  a=$(median < "$work/a.txt"); b=$(median < "$work/b.txt"); c=$(median < "$work/c.txt")
  echo "| $size MiB | the bucket's cost | (b)−(c) $(awk "BEGIN{printf \"%.2f\", $b - $c}") s | ((b)−(c))/(a) $(awk "BEGIN{printf \"%.2f\", ($b - $c) / $a}") | | |"
  rm -f "$file"
done
