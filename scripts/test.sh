#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite (XCTest and Swift Testing).
# Exits non-zero when any test fails. Extra arguments go to `swift test` (e.g. --filter Probe).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
# The tests' attachments (the gallery's screenshots in Chromium) are kept for people to look at.
mkdir -p .build/attachments
# Every scratch folder of the run (the tests' temporary folders, the scratch PostgreSQL's cluster,
# SeaweedFS's volumes) goes in one folder, removed at the end: left behind, they filled the disk
# over many runs. The postgres user must enter it to reach its cluster.
scratch=$(mktemp -d /tmp/darkroom-tests.XXXXXX)
chmod 755 "$scratch"
cleanup() {
  # The servers the tests started die with them, a moment later; none may still write here.
  pkill -KILL -f "$scratch/" 2>/dev/null || true
  while pgrep -f "$scratch/" >/dev/null; do sleep 0.1; done
  # A test process that crashed leaves its small full-disk file systems mounted.
  awk -v s="$scratch/" 'index($2, s) == 1 {print $2}' /proc/mounts | xargs -r -n1 umount -l
  rm -rf "$scratch" 2>/dev/null || rm -rf "$scratch"
}
trap cleanup EXIT
TMPDIR=$scratch swift test --attachments-path .build/attachments "$@"
