#!/usr/bin/env bash
# Installs what is missing, builds darkroom, makes a 5 s sample clip and runs the media pipeline
# on it (verification, poster, thumbnails, storyboard, renditions), printing its index entry.
# (The callback service, `darkroom serve`, comes with a later issue; this shows the pipeline.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product darkroom >&2
mkdir -p .build/demo
sample=.build/demo/sample.mp4
if [[ ! -f $sample ]]; then
  ffmpeg -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 -t 5 \
    -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac -movflags +faststart "$sample"
fi
echo "\$ darkroom media $sample --out .build/demo/out --reported-duration 5" >&2
exec .build/release/darkroom media "$sample" --out .build/demo/out --reported-duration 5
