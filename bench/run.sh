#!/usr/bin/env bash
# Runs the throughput benchmark (see bench/README.md). Expects a build (`npx tsc -b`; `npm run
# bench` does it). Uses the Kafka answering at $KAFKA_BROKERS (default 127.0.0.1:9092); when
# none answers, starts a local one with integration-tests/services/kafka.sh and stops it after.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v kcat >/dev/null || { echo "[bench] kcat is needed (apt-get install kcat)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "[bench] /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
[[ -f bench/dist/src/main.js ]] || { echo "[bench] not built: run npx tsc -b first" >&2; exit 1; }

# The peers: Kafka Connect from Maven Central (cached), for case k and the *-peer cases, and the
# connector plugin of each *-peer case that runs (services/kafka-connect-<system>/pom.xml).
connect_fetch() { (source integration-tests/services/lib.sh && maven_fetch "$1" "integration-tests/services/$1/pom.xml"); }
wanted() { [[ -z ${BENCH_CASES:-} || ,${BENCH_CASES// /}, == *,$1,* ]]; }
BENCH_CONNECT_LIB=$(connect_fetch kafka-connect)
export BENCH_CONNECT_LIB
for peer in m-peer:mysql q-peer:rabbitmq e-peer:elasticsearch i-peer:influxdb r-peer:redis; do
  wanted "${peer%%:*}" || continue
  system=${peer#*:}
  lib=$(connect_fetch "kafka-connect-$system")
  export "BENCH_CONNECT_${system^^}_LIB=$lib"
done

# The servers the chosen cases write to, and only those: an idle JVM server still takes CPU from
# the cases on a small machine.
declare -A SERVICE_OF=(
  [r-raw]=redis [r]=redis [r-peer]=redis [m-raw]=mariadb [m]=mariadb [m-peer]=mariadb
  [i-raw]=influxdb [i]=influxdb [i-peer]=influxdb [e-raw]=elasticsearch [e]=elasticsearch [e-peer]=elasticsearch
  [q-raw]=rabbitmq [q]=rabbitmq [q-peer]=rabbitmq [f-raw]=flume [f]=flume [h-raw]=hdfs [h]=hdfs
  [hb-raw]=hbase [hb]=hbase [rq-raw]=rocketmq [rq]=rocketmq [rq-tx]=rocketmq [cs-raw]=cassandra [cs]=cassandra
)
services=(kafka)
for id in "${!SERVICE_OF[@]}"; do
  svc=${SERVICE_OF[$id]}
  if wanted "$id" && [[ " ${services[*]} " != *" $svc "* ]]; then services+=("$svc"); fi
done
bash scripts/with-services.sh "${services[@]}" -- node bench/dist/src/main.js
