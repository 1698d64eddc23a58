#!/usr/bin/env bash
# The Redis topologies beyond a standalone server, from Debian's redis-server on 127.0.0.1:
#   a cluster of 3 masters (ports 17001-17003), a master (17010) watched by a sentinel (17011)
#   as `sinkhub-master`, and a TLS-only server (17020) whose certificate is signed by a CA made
#   at start ($STATE_DIR/redis-tls/ca.pem).
#   redis-topologies.sh start | stop | status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLUSTER_PORTS=(${REDIS_CLUSTER_PORTS:-17001 17002 17003})
MASTER_PORT=${REDIS_SENTINEL_MASTER_PORT:-17010}
SENTINEL_PORT=${REDIS_SENTINEL_PORT:-17011}
TLS_PORT=${REDIS_TLS_PORT:-17020}
PORTS=("${CLUSTER_PORTS[@]}" "$MASTER_PORT" "$SENTINEL_PORT" "$TLS_PORT")
NAMES=()
for p in "${CLUSTER_PORTS[@]}"; do NAMES+=("redis-cluster-$p"); done
NAMES+=(redis-sentinel-master redis-sentinel redis-tls)

# run NAME PORT ARGS...: a detached redis-server, its PID recorded, waited for.
run() {
  local name=$1 port=$2; shift 2
  setsid nohup redis-server --bind 127.0.0.1 --save '' --appendonly no --daemonize no "$@" >"$STATE_DIR/$name.log" 2>&1 &
  echo $! >"$STATE_DIR/$name.pid"
  wait_port "$name" 127.0.0.1 "$port" 30 "$!"
}

start() {
  if status; then log "redis topologies already answering; using them"; return 0; fi
  command -v redis-server >/dev/null || { log "redis-server is not installed (apt-get install redis-server)"; return 1; }
  for p in "${PORTS[@]}"; do
    if port_open 127.0.0.1 "$p"; then log "port $p is taken by something else; set REDIS_*_PORT(S)"; return 1; fi
  done
  local dir="$STATE_DIR/redis-topologies"
  rm -rf "$dir"; mkdir -p "$dir"

  for p in "${CLUSTER_PORTS[@]}"; do
    run "redis-cluster-$p" "$p" --port "$p" --dir "$dir" --cluster-enabled yes --cluster-config-file "nodes-$p.conf" --cluster-node-timeout 5000
  done
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "${CLUSTER_PORTS[@]}") --cluster-replicas 0 --cluster-yes >"$STATE_DIR/redis-cluster-create.log" 2>&1 ||
    { log "redis-cli --cluster create failed:"; tail -n 20 "$STATE_DIR/redis-cluster-create.log" >&2; return 1; }
  for _ in $(seq 1 60); do
    redis-cli -p "${CLUSTER_PORTS[0]}" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break
    sleep 0.5
  done
  redis-cli -p "${CLUSTER_PORTS[0]}" cluster info | grep -q 'cluster_state:ok' || { log "the cluster did not reach state ok"; return 1; }

  run redis-sentinel-master "$MASTER_PORT" --port "$MASTER_PORT" --dir "$dir"
  # A sentinel rewrites its config file: give it its own.
  printf 'port %s\nbind 127.0.0.1\ndir %s\nsentinel monitor sinkhub-master 127.0.0.1 %s 1\nsentinel down-after-milliseconds sinkhub-master 5000\n' \
    "$SENTINEL_PORT" "$dir" "$MASTER_PORT" >"$dir/sentinel.conf"
  setsid nohup redis-server "$dir/sentinel.conf" --sentinel >"$STATE_DIR/redis-sentinel.log" 2>&1 &
  echo $! >"$STATE_DIR/redis-sentinel.pid"
  wait_port redis-sentinel 127.0.0.1 "$SENTINEL_PORT" 30 "$!"

  make_certs "$STATE_DIR/redis-tls"
  run redis-tls "$TLS_PORT" --port 0 --tls-port "$TLS_PORT" --dir "$dir" --tls-cert-file "$STATE_DIR/redis-tls/server.crt" \
    --tls-key-file "$STATE_DIR/redis-tls/server.key" --tls-ca-cert-file "$STATE_DIR/redis-tls/ca.pem" --tls-auth-clients no
  # scripts/with-services.sh knows a start was its own by a new $STATE_DIR/<service>.pid.
  cp "$STATE_DIR/redis-tls.pid" "$STATE_DIR/redis-topologies.pid"
  log "redis cluster on ${CLUSTER_PORTS[*]}, sentinel on $SENTINEL_PORT (master $MASTER_PORT), TLS on $TLS_PORT"
}

stop() {
  for name in "${NAMES[@]}"; do stop_pid "$name"; done
  rm -f "$STATE_DIR/redis-topologies.pid"
}

status() {
  for p in "${PORTS[@]}"; do port_open 127.0.0.1 "$p" || return 1; done
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
