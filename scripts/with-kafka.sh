#!/usr/bin/env bash
# Runs a command with a Kafka answering at $KAFKA_BROKERS (default 127.0.0.1:9092): an already
# running one is used as is; otherwise a local broker is started and stopped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source integration-tests/services/lib.sh
broker=${KAFKA_BROKERS:-127.0.0.1:9092}; broker=${broker%%,*}
started=
if ! port_open "${broker%:*}" "${broker##*:}"; then
  if [[ $broker != 127.0.0.1:* && $broker != localhost:* ]]; then log "Kafka at $broker does not answer"; exit 1; fi
  KAFKA_PORT=${broker##*:} integration-tests/services/kafka.sh start
  started=1
fi
cleanup() { [[ -n $started ]] && integration-tests/services/kafka.sh stop || true; }
trap cleanup EXIT
"$@"
