#!/usr/bin/env bash
# The integration suites, one file at a time, against real servers, in groups: the core's suites
# with Kafka alone, then each connector's suites (files named <connector>*.test.js) with the
# servers that connector needs. A group's servers run only while its suites do, so the machine
# never holds every server at once. A server that is not already answering is started here and
# stopped afterwards; one that cannot start fails the run.
#   run.sh                 every group
#   run.sh core mysql ...  only these groups
set -euo pipefail
cd "$(dirname "$0")/.."

# connector → the services its suites need (besides Kafka), in start order.
declare -A NEEDS=(
  [cassandra]="cassandra"
  [elasticsearch]="elasticsearch elasticsearch-secure"
  [flume]="flume"
  [hbase]="hbase hbase-rest-tls"
  [hdfs]="hdfs"
  [influxdb]="influxdb questdb"
  [kafka]="kafka-target"
  [mysql]="mariadb"
  [rabbitmq]="rabbitmq"
  [redis]="redis redis-topologies"
  [rocketmq]="rocketmq"
)
DIST=integration-tests/dist/test
connectors=$(printf '%s\n' "${!NEEDS[@]}" | sort)

# Kafka serves every group: the script runs itself once more inside one Kafka for all of them.
if [[ ${1:-} != --inner ]]; then exec bash scripts/with-services.sh kafka -- bash "$PWD/integration-tests/run.sh" --inner "$@"; fi
shift
groups=("$@")
((${#groups[@]})) || groups=(core $connectors)

suites_of() {
  local group=$1 f name c
  for f in "$DIST"/*.test.js; do
    name=$(basename "$f")
    if [[ $group == core ]]; then
      for c in $connectors; do [[ $name == "$c"[-.]* ]] && continue 2; done
      echo "$f"
    elif [[ $name == "$group"[-.]* ]]; then
      echo "$f"
    fi
  done
}

run_groups() {
  local group suites failed=()
  for group in "${groups[@]}"; do
    [[ $group == core || -v NEEDS[$group] ]] || { echo "[integration] unknown group $group (core $connectors)" >&2; return 64; }
    mapfile -t suites < <(suites_of "$group")
    ((${#suites[@]})) || { echo "[integration] $group: no suites in $DIST" >&2; failed+=("$group"); continue; }
    echo "== integration: $group (${#suites[@]} files)" >&2
    # --test-force-exit: a failed case must not leave its file hanging on open handles; the
    # file's sinkhub children are killed when its process exits.
    # shellcheck disable=SC2086 # the service list splits on purpose
    bash scripts/with-services.sh ${NEEDS[$group]:-} -- node --test --test-concurrency=1 --test-force-exit "${suites[@]}" || failed+=("$group")
  done
  ((${#failed[@]} == 0)) || { echo "[integration] failed groups: ${failed[*]}" >&2; return 1; }
}

run_groups
