#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite (XCTest and Swift Testing).
# Exits non-zero when any test fails. Extra arguments go to `swift test` (e.g. --filter Probe).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
# The tests' attachments (the gallery's screenshots in Chromium) are kept for people to look at.
mkdir -p .build/attachments
swift test --attachments-path .build/attachments "$@"
