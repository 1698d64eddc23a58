#!/usr/bin/env bash
# A second single-node Kafka cluster, the target of the kafka connector's cross-cluster suites:
# kafka.sh with its own state ($STATE_DIR/kafka-target) and ports, 127.0.0.1:9192 (controller
# 9193, SASL 9194, TLS 9195). Its storage survives a stop/start, since the conformance suite's
# outage case restarts it mid-stream; `rm -rf .services/kafka-target` starts it afresh.
#   kafka-target.sh start|stop|status
unset KAFKA_BROKERS KAFKA_CONTROLLER_PORT KAFKA_SASL_PORT KAFKA_TLS_PORT
export KAFKA_SERVICE=kafka-target KAFKA_KEEP_STORAGE=1 KAFKA_PORT=${KAFKA_TARGET_PORT:-9192}
exec bash "$(dirname "${BASH_SOURCE[0]}")/kafka.sh" "$@"
