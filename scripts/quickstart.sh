#!/usr/bin/env bash
# npm run quickstart: build, make sure a Kafka answers, produce sample events, run
# examples/quickstart.yaml into the file sink and show what it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-built.sh
bash scripts/with-services.sh kafka -- node integration-tests/dist/src/quickstart.js
