#!/usr/bin/env bash
# Installs dependencies when missing or stale, then builds every package (incremental).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "[build] installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
npx tsc -b
# npm links package bins at install time, before the build created them: link `sinkhub` now.
[[ -x node_modules/.bin/sinkhub ]] || npm rebuild @sinkhub/core --ignore-scripts --loglevel=error >/dev/null
