#!/usr/bin/env bash
# InfluxDB 1.x from Debian's influxdb on 127.0.0.1 (the v1 write API, /write), its data under
# $STATE_DIR (kept across restarts: the outage case stops and starts it), authentication on,
# with the admin user sinkhub/sinkhub-secret and a database `sinkhub`.
#   influxdb.sh start | stop | status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

url=${INFLUXDB_URL:-http://127.0.0.1:8086}; hostport=${url#*://}; hostport=${hostport%%/*}
PORT=${INFLUXDB_PORT:-${hostport##*:}}
RPC_PORT=${INFLUXDB_RPC_PORT:-$((PORT + 2))}
DIR="$STATE_DIR/influxdb"
USER_NAME=${INFLUXDB_USER:-sinkhub}
PASSWORD=${INFLUXDB_PASSWORD:-sinkhub-secret}

start() {
  if port_open 127.0.0.1 "$PORT"; then log "influxdb already answering on 127.0.0.1:$PORT; using it"; return 0; fi
  command -v influxd >/dev/null || { log "influxd is not installed (apt-get install influxdb)"; return 1; }
  mkdir -p "$DIR"
  # Only the HTTP API, on loopback; every other listener of the packaged config is off.
  cat >"$DIR/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$RPC_PORT"
[meta]
  dir = "$DIR/meta"
[data]
  dir = "$DIR/data"
  wal-dir = "$DIR/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:$PORT"
  auth-enabled = true
  log-enabled = false
[continuous_queries]
  enabled = false
CONF
  setsid nohup influxd run -config "$DIR/influxdb.conf" >"$STATE_DIR/influxdb.log" 2>&1 &
  echo $! >"$STATE_DIR/influxdb.pid"
  wait_port influxdb 127.0.0.1 "$PORT" 60 "$!"
  # The first user may be created without credentials; after that, every request needs them.
  if [[ ! -f $DIR/.admin ]]; then
    curl -sf -XPOST "http://127.0.0.1:$PORT/query" --data-urlencode "q=CREATE USER \"$USER_NAME\" WITH PASSWORD '$PASSWORD' WITH ALL PRIVILEGES" >/dev/null ||
      { log "could not create the influxdb admin user"; return 1; }
    curl -sf -u "$USER_NAME:$PASSWORD" -XPOST "http://127.0.0.1:$PORT/query" --data-urlencode "q=CREATE DATABASE sinkhub" >/dev/null
    touch "$DIR/.admin"
  fi
  log "influxdb listening on 127.0.0.1:$PORT (pid $(cat "$STATE_DIR/influxdb.pid"))"
}

case ${1:-} in
  start) start ;;
  stop) stop_pid influxdb ;;
  status) port_open 127.0.0.1 "$PORT" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
