#!/usr/bin/env bash
# RabbitMQ from Debian's rabbitmq-server on 127.0.0.1: AMQP on 5672 (RABBITMQ_URL overrides),
# Erlang distribution and epmd on loopback too, messages and definitions under $STATE_DIR (the
# outage case stops and restarts it). Users: guest/guest (loopback only, RabbitMQ's default)
# and sinkhub/sinkhub-secret for the authentication cases.
#   rabbitmq.sh start | stop | status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

url=${RABBITMQ_URL:-amqp://127.0.0.1:5672}; hostport=${url#*://}; hostport=${hostport##*@}; hostport=${hostport%%/*}
PORT=${RABBITMQ_PORT:-${hostport##*:}}
DIR="$STATE_DIR/rabbitmq"
BIN=/usr/lib/rabbitmq/bin

# The Debian wrappers switch to the rabbitmq user and its /var/lib home; the scripts under
# $BIN run as whoever calls them, with every location taken from these variables.
rabbit_env() {
  export HOME="$DIR" RABBITMQ_NODENAME="sinkhub-$PORT@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$PORT"
  export RABBITMQ_DIST_PORT=$((PORT + 20000)) ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=${RABBITMQ_EPMD_PORT:-4369}
  export RABBITMQ_MNESIA_BASE="$DIR/mnesia" RABBITMQ_LOG_BASE="$DIR/log" RABBITMQ_CONFIG_FILE="$DIR/rabbitmq.conf"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins" RABBITMQ_CONF_ENV_FILE="$DIR/rabbitmq-env.conf"
  export RABBITMQ_PID_FILE="$DIR/rabbitmq.pid" RABBITMQ_LOGS=-
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

start() {
  if port_open 127.0.0.1 "$PORT"; then log "rabbitmq already answering on 127.0.0.1:$PORT; using it"; return 0; fi
  [[ -x $BIN/rabbitmq-server ]] || { log "rabbitmq-server is not installed (apt-get install rabbitmq-server)"; return 1; }
  rabbit_env
  mkdir -p "$DIR/log"
  touch "$DIR/rabbitmq-env.conf"
  echo '[].' >"$DIR/enabled_plugins"
  cat >"$DIR/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$PORT
loopback_users.guest = true
# A 10 s outage test must not trip the disk alarm on a small CI disk.
disk_free_limit.absolute = 50MB
CONF
  # Our own epmd on loopback, so stop can end it by PID (RabbitMQ would leave its own running).
  if ! port_open 127.0.0.1 "$ERL_EPMD_PORT"; then
    setsid nohup epmd -address 127.0.0.1 -port "$ERL_EPMD_PORT" >"$STATE_DIR/rabbitmq-epmd.log" 2>&1 &
    echo $! >"$STATE_DIR/rabbitmq-epmd.pid"
  fi
  setsid nohup "$BIN/rabbitmq-server" >"$STATE_DIR/rabbitmq.log" 2>&1 &
  echo $! >"$STATE_DIR/rabbitmq.pid"
  wait_port rabbitmq 127.0.0.1 "$PORT" 90 "$!"
  "$BIN/rabbitmqctl" -q await_startup >/dev/null
  if ! "$BIN/rabbitmqctl" -q list_users | grep -q '^sinkhub'; then
    "$BIN/rabbitmqctl" -q add_user sinkhub sinkhub-secret >/dev/null
    "$BIN/rabbitmqctl" -q set_permissions -p / sinkhub '.*' '.*' '.*' >/dev/null
  fi
  log "rabbitmq $("$BIN/rabbitmqctl" -q version 2>/dev/null) listening on 127.0.0.1:$PORT (pid $(cat "$STATE_DIR/rabbitmq.pid"))"
}

stop() {
  # The script's PID is a shell whose child is the Erlang VM: stop the node cleanly, then by PID.
  if [[ -f $STATE_DIR/rabbitmq.pid ]]; then rabbit_env; timeout 30 "$BIN/rabbitmqctl" -q shutdown >/dev/null 2>&1 || true; fi
  stop_pid rabbitmq
  stop_pid rabbitmq-epmd
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) port_open 127.0.0.1 "$PORT" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
