#!/usr/bin/env bash
# The integration suites, one file at a time, against real servers. A server that is not
# already answering is started here (and stopped afterwards); one that cannot start fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
services=(kafka)
for svc in mariadb redis redis-topologies influxdb questdb elasticsearch elasticsearch-secure rabbitmq cassandra; do [[ -f integration-tests/services/$svc.sh ]] && services+=("$svc"); done
bash scripts/with-services.sh "${services[@]}" -- node --test --test-concurrency=1 integration-tests/dist/test/
