#!/usr/bin/env bash
# Redis from Debian's redis-server on 127.0.0.1, persisting to an append-only file (the outage
# case stops and restarts it), with an ACL user
# sinkhub/sinkhub-secret for the authentication cases.
#   redis.sh start | stop | status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

url=${REDIS_URL:-redis://127.0.0.1:6379}; hostport=${url#*://}; hostport=${hostport##*@}; hostport=${hostport%%/*}
PORT=${REDIS_PORT:-${hostport##*:}}

start() {
  if port_open 127.0.0.1 "$PORT"; then log "redis already answering on 127.0.0.1:$PORT; using it"; return 0; fi
  command -v redis-server >/dev/null || { log "redis-server is not installed (apt-get install redis-server)"; return 1; }
  mkdir -p "$STATE_DIR/redis"
  setsid nohup redis-server --bind 127.0.0.1 --port "$PORT" --dir "$STATE_DIR/redis" --save '' --appendonly yes --appendfsync everysec \
    --daemonize no --user default on nopass '~*' '&*' '+@all' --user sinkhub on '>sinkhub-secret' '~*' '&*' '+@all' \
    >"$STATE_DIR/redis.log" 2>&1 &
  echo $! >"$STATE_DIR/redis.pid"
  wait_port redis 127.0.0.1 "$PORT" 30 "$!"
  log "redis listening on 127.0.0.1:$PORT (pid $(cat "$STATE_DIR/redis.pid"))"
}

case ${1:-} in
  start) start ;;
  stop) stop_pid redis ;;
  status) port_open 127.0.0.1 "$PORT" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
