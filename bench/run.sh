#!/usr/bin/env bash
# Runs the throughput benchmark (see bench/README.md). Expects a build (`npx tsc -b`; `npm run
# bench` does it). Uses the Kafka answering at $KAFKA_BROKERS (default 127.0.0.1:9092); when
# none answers, starts a local one with integration-tests/services/kafka.sh and stops it after.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v kcat >/dev/null || { echo "[bench] kcat is needed (apt-get install kcat)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "[bench] /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
[[ -f bench/dist/src/main.js ]] || { echo "[bench] not built: run npx tsc -b first" >&2; exit 1; }

# The peer, Kafka Connect, from Maven Central (cached), for case k.
BENCH_CONNECT_LIB=$(source integration-tests/services/lib.sh && maven_fetch kafka-connect integration-tests/services/kafka-connect/pom.xml)
export BENCH_CONNECT_LIB

bash scripts/with-services.sh kafka redis mariadb influxdb elasticsearch cassandra -- node bench/dist/src/main.js
