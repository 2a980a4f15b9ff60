#!/usr/bin/env bash
# Installs what is missing, builds darkroom and runs the service with its embedded defaults:
# SQLite and the archive in ./darkroom-data, listening on 127.0.0.1:8080.
# Callbacks: POST http://127.0.0.1:8080/v1/callbacks/kling. To see it work, in another terminal:
#   .build/release/darkroom demo --server http://127.0.0.1:8080
# --allow-private lets downloads reach this machine (the demo serves its clip on 127.0.0.1); a
# server for real generators leaves it out. Extra arguments go to `darkroom serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product darkroom >&2
exec .build/release/darkroom serve --data darkroom-data --allow-private "$@"
