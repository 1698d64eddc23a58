#!/usr/bin/env bash
# npm test: unit tests, then the integration suites against a real local Kafka.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-built.sh
echo "== unit tests" >&2
node --test core/dist/test/ connectors/*/dist/test/
echo "== integration tests" >&2
bash integration-tests/run.sh
