#!/usr/bin/env bash
# with-services.sh SERVICE... -- COMMAND...
# Runs COMMAND with each service answering: one already answering (a local install, a docker
# compose stack) is used as is; otherwise integration-tests/services/<service>.sh starts it
# here, and it is stopped again when COMMAND ends.
set -euo pipefail
cd "$(dirname "$0")/.."
services=()
while [[ $# -gt 0 && $1 != -- ]]; do services+=("$1"); shift; done
[[ ${1:-} == -- ]] && shift
started=()
cleanup() {
  local i
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do bash "integration-tests/services/${started[i]}.sh" stop || true; done
}
trap cleanup EXIT
state=${SINKHUB_STATE:-integration-tests/../.services}
for svc in "${services[@]}"; do
  bash "integration-tests/services/$svc.sh" status && continue
  # Only a start that recorded a new PID is ours to stop: `start` returns at once when
  # something else (a compose stack, an older broker) already holds the port.
  before=$(cat "$state/$svc.pid" 2>/dev/null || true)
  bash "integration-tests/services/$svc.sh" start
  after=$(cat "$state/$svc.pid" 2>/dev/null || true)
  [[ -n $after && $after != "$before" ]] && started+=("$svc")
done
"$@"
