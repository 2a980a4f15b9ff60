#!/usr/bin/env bash
# Media benchmark: `darkroom media` against the command-line tools making the same outputs
# (poster, 5 thumbnails, a storyboard, a stream-copied `web` rendition and a 480p libx264
# veryfast CRF 23 `preview` with 96 kb/s AAC), in the same run, on a 10 s and a 60 s
# 1080p30 H.264 + AAC clip of about 10 Mb/s (13 MB for 10 s):
#   (a) darkroom media
#   (a') darkroom media --worker-process: the same work in a media child, as the service runs it
#   (b) the sequential pipeline: ffprobe; ffmpeg for poster and thumbnails; ffmpeg for the
#       storyboard; ffmpeg for each rendition
#   (c) one ffmpeg command producing every output from one decode (its default bicubic scaler)
#   (c') the same with the area scaler darkroom uses for renditions: the same work exactly
#   and, for reference, decoding alone (ffmpeg -f null).
# Reports median wall time, CPU time and peak resident memory (/usr/bin/time).
#
#   Benchmarks/media.sh
#   RUNS=5 DURATIONS="10" Benchmarks/media.sh
#   DARKROOM=.build/release/darkroom Benchmarks/media.sh   # a binary already built, not rebuilt
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
if [[ ! -x /usr/bin/time ]]; then
  { apt-get update -q && apt-get install -y -q time; } >&2
fi

runs=${RUNS:-3}
durations=${DURATIONS:-"10 60"}
work=$(mktemp -d /var/tmp/darkroom-media-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
source Benchmarks/lib.sh

if [[ -n ${DARKROOM:-} ]]; then
  darkroom=$DARKROOM
else
  swift build -c release --product darkroom >&2
  darkroom=.build/release/darkroom
fi

echo "| clip | pipeline | median wall (s) | median CPU (s) | median peak RSS (MiB) | runs |"
echo "|---|---|---|---|---|---|"
for duration in $durations; do
  clip="$work/clip-${duration}s.mp4"
  ffmpeg -y -v error -f lavfi -i testsrc2=size=1920x1080:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
    -t "$duration" -c:v libx264 -preset fast -b:v 10M -maxrate 10M -bufsize 20M -profile:v high -pix_fmt yuv420p \
    -c:a aac -b:a 128k "$clip"
  frames=$((duration * 30))
  tiles=$duration; columns=$((tiles < 10 ? tiles : 10)); rows=$(((tiles + columns - 1) / columns))
  # The frames darkroom picks: poster at the middle, thumbnail i at (i + 0.5) / 5, one tile
  # per second from the middle of each second.
  thumbs="eq(n\\,$((frames / 10)))"
  for i in 1 2 3 4; do thumbs+="+eq(n\\,$(((2 * i + 1) * frames / 10)))"; done
  poster="eq(n\\,$((frames / 2)))"
  tiles_select="not(mod(n-15\\,30))"
  x264=(-c:v libx264 -preset veryfast -crf 23 -profile:v high -pix_fmt yuv420p -c:a aac -b:a 96k -movflags +faststart)

  sequential() {  # (b), into $1
    mkdir -p "$1/thumbs"
    ffprobe -v error -count_packets -show_format -show_streams "$clip" >/dev/null
    ffmpeg -y -v error -i "$clip" -filter_complex "[0:v]split[p][t];[p]select='$poster',scale=640:-2[poster];[t]select='$thumbs',scale=640:-2[thumbs]" \
      -map "[poster]" -frames:v 1 -q:v 3 "$1/poster.jpg" -map "[thumbs]" -fps_mode passthrough -q:v 3 "$1/thumbs/%02d.jpg"
    ffmpeg -y -v error -i "$clip" -vf "select='$tiles_select',scale=160:-2,tile=${columns}x${rows}" -frames:v 1 -q:v 3 "$1/storyboard.jpg"
    ffmpeg -y -v error -i "$clip" -map 0:v -map 0:a -c copy -movflags +faststart "$1/web.mp4"
    ffmpeg -y -v error -i "$clip" -vf scale=-2:480 "${x264[@]}" "$1/preview.mp4"
  }
  one_command() {  # (c), into $1, with scaler flags $2 for the rendition
    mkdir -p "$1/thumbs"
    ffmpeg -y -v error -i "$clip" -filter_complex \
      "[0:v]split=4[a][b][c][d];[a]select='$poster',scale=640:-2[poster];[b]select='$thumbs',scale=640:-2[thumbs];[c]select='$tiles_select',scale=160:-2,tile=${columns}x${rows}[sb];[d]scale=-2:480:flags=$2[pv]" \
      -map "[poster]" -frames:v 1 -q:v 3 "$1/poster.jpg" -map "[thumbs]" -fps_mode passthrough -q:v 3 "$1/thumbs/%02d.jpg" \
      -map "[sb]" -frames:v 1 -q:v 3 "$1/storyboard.jpg" -map "[pv]" -map 0:a "${x264[@]}" "$1/preview.mp4" \
      -map 0:v -map 0:a -c copy -movflags +faststart "$1/web.mp4"
  }
  export -f sequential one_command
  export clip poster thumbs tiles_select columns rows
  export x264_line="${x264[*]}"

  for pipeline in a a2 b c c2 d; do : > "$work/$pipeline.txt"; done
  for _ in $(seq "$runs"); do
    rm -rf "$work/out"; measure "$darkroom" media "$clip" --out "$work/out" >> "$work/a.txt"
    rm -rf "$work/out"; measure "$darkroom" media --worker-process "$clip" --out "$work/out" >> "$work/a2.txt"
    rm -rf "$work/out"; measure bash -c "x264=(\$x264_line); sequential '$work/out'" >> "$work/b.txt"
    rm -rf "$work/out"; measure bash -c "x264=(\$x264_line); one_command '$work/out' bicubic" >> "$work/c.txt"
    rm -rf "$work/out"; measure bash -c "x264=(\$x264_line); one_command '$work/out' area" >> "$work/c2.txt"
    measure ffmpeg -v error -i "$clip" -f null - >> "$work/d.txt"
  done
  # The outputs are what they claim, or the timing means nothing.
  rm -rf "$work/out"; "$darkroom" media "$clip" --out "$work/out" > "$work/entry.json"
  [[ $(ffprobe -v error -select_streams v -show_entries stream=codec_name,width,height -of csv=p=0 "$work/out/preview.mp4") == "h264,854,480" ]] \
    || { echo "unexpected preview rendition" >&2; exit 1; }
  grep -q '"method" : "copy"' "$work/entry.json" || { echo "web was not stream-copied" >&2; exit 1; }

  size=$(du -m "$clip" | cut -f1)
  row "${duration} s (${size} MB)" "(a) darkroom media" "$work/a.txt"
  row "${duration} s (${size} MB)" "(a') darkroom media --worker-process (a media child)" "$work/a2.txt"
  row "${duration} s (${size} MB)" "(b) sequential ffprobe + 4 ffmpeg" "$work/b.txt"
  row "${duration} s (${size} MB)" "(c) one ffmpeg, one decode (bicubic)" "$work/c.txt"
  row "${duration} s (${size} MB)" "(c') one ffmpeg, one decode (area, as darkroom)" "$work/c2.txt"
  row "${duration} s (${size} MB)" "decoding alone (ffmpeg -f null)" "$work/d.txt"
  a=$(median < "$work/a.txt"); a2=$(median < "$work/a2.txt"); c=$(median < "$work/c.txt"); c2=$(median < "$work/c2.txt"); b=$(median < "$work/b.txt")
  echo "| ${duration} s | ratios | a/c $(awk "BEGIN{printf \"%.2f\", $a/$c}") | a/c' $(awk "BEGIN{printf \"%.2f\", $a/$c2}") | a/b $(awk "BEGIN{printf \"%.2f\", $a/$b}") | a'/a $(awk "BEGIN{printf \"%.3f\", $a2/$a}") |"
done
echo
echo "$(nproc) cores; $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
