#!/usr/bin/env bash
# QuestDB from Maven Central on 127.0.0.1, for the influxdb connector's v2 API: it accepts
# InfluxDB line protocol at /api/v2/write (and answers SQL at /exec for reading back). Only its
# HTTP server runs; data under $STATE_DIR, kept across restarts (the outage case).
#   questdb.sh start | stop | status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

url=${QUESTDB_URL:-http://127.0.0.1:9000}; hostport=${url#*://}; hostport=${hostport%%/*}
PORT=${QUESTDB_PORT:-${hostport##*:}}
DIR="$STATE_DIR/questdb"

start() {
  if port_open 127.0.0.1 "$PORT"; then log "questdb already answering on 127.0.0.1:$PORT; using it"; return 0; fi
  local lib; lib=$(maven_fetch questdb "$SERVICES_DIR/questdb/pom.xml")
  mkdir -p "$DIR/conf"
  cat >"$DIR/conf/server.conf" <<CONF
http.bind.to=127.0.0.1:$PORT
http.min.enabled=false
pg.enabled=false
line.tcp.enabled=false
line.udp.enabled=false
telemetry.enabled=false
CONF
  setsid nohup java -Xms256m -Xmx768m -p "$lib/$(cd "$lib" && ls questdb-*.jar | head -1)" -m io.questdb/io.questdb.ServerMain -d "$DIR" \
    >"$STATE_DIR/questdb.log" 2>&1 &
  echo $! >"$STATE_DIR/questdb.pid"
  wait_port questdb 127.0.0.1 "$PORT" 60 "$!"
  log "questdb listening on 127.0.0.1:$PORT (pid $(cat "$STATE_DIR/questdb.pid"))"
}

case ${1:-} in
  start) start ;;
  stop) stop_pid questdb ;;
  status) port_open 127.0.0.1 "$PORT" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
