#!/usr/bin/env bash
# Installs what is missing, builds darkroom, and archives a sample task end to end: makes a 5 s
# clip and an image, serves them on 127.0.0.1 as a generator's CDN would, writes a succeeded
# callback pointing at them, and runs `darkroom process` on it (download, verification,
# thumbnails, storyboard, renditions, index, catalog) into .build/demo/data.
# (The callback service, `darkroom serve`, comes with a later issue; this shows the pipeline.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --demo
swift build -c release --product darkroom >&2
demo=.build/demo
mkdir -p "$demo/www"
if [[ ! -f $demo/www/clip.mp4 ]]; then
  ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 -t 5 \
    -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -movflags +faststart "$demo/www/clip.mp4"
  ffmpeg -v error -y -f lavfi -i testsrc2=size=1024x1024 -frames:v 1 "$demo/www/image.png"
fi

# A static file server on a free loopback port, stopped when this script ends.
port_file=$(mktemp)
python3 -c '
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
handler.func.log_message = lambda *args: None
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
open(sys.argv[2], "w").write(str(server.server_address[1]))
server.serve_forever()' "$demo/www" "$port_file" &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do [[ -s $port_file ]] && break; sleep 0.1; done
port=$(cat "$port_file")

now=$(($(date +%s) * 1000))
cat > "$demo/callback.json" <<JSON
{"task_id": "demo-task", "task_status": "succeed", "created_at": $now, "updated_at": $now,
 "task_result": {"videos": [{"id": "demo-video", "url": "http://127.0.0.1:$port/clip.mp4", "duration": "5"}],
                 "images": [{"index": 0, "url": "http://127.0.0.1:$port/image.png"}]}}
JSON
echo "\$ darkroom process $demo/callback.json --data $demo/data --allow-private" >&2
.build/release/darkroom process "$demo/callback.json" --data "$demo/data" --allow-private
echo "the index file: $(ls -d "$demo"/data/archive/*/*/*/demo-task)/index.json; the catalog: $demo/data/archive/index.jsonl" >&2
