#!/usr/bin/env bash
# MariaDB from Debian's mariadb-server on 127.0.0.1, its data under $STATE_DIR (kept across
# restarts: the outage case stops and starts it), with database and user sinkhub/sinkhub — the
# same as docker/mariadb.yml — and TLS with a CA made at start ($STATE_DIR/mariadb/tls/ca.pem),
# required of the user sinkhub_tls/sinkhub.
#   mariadb.sh start | stop | status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

url=${MYSQL_URL:-mysql://sinkhub:sinkhub@127.0.0.1:3306/sinkhub}; hostport=${url#*://}; hostport=${hostport##*@}; hostport=${hostport%%/*}
PORT=${MYSQL_PORT:-${hostport##*:}}
DIR="$STATE_DIR/mariadb"

start() {
  if port_open 127.0.0.1 "$PORT"; then log "mariadb already answering on 127.0.0.1:$PORT; using it"; return 0; fi
  command -v mariadbd >/dev/null || { log "mariadbd is not installed (apt-get install mariadb-server)"; return 1; }
  local fresh=false
  if [[ ! -d $DIR/data/mysql ]]; then
    rm -rf "$DIR"; mkdir -p "$DIR"
    mariadb-install-db --no-defaults --datadir="$DIR/data" --user="$(id -un)" --auth-root-authentication-method=normal \
      --skip-test-db >"$STATE_DIR/mariadb-install.log" 2>&1 || { log "mariadb-install-db failed:"; tail -n 20 "$STATE_DIR/mariadb-install.log" >&2; return 1; }
    fresh=true
  fi
  # Kept across restarts (the outage case), renewed daily: the certificates last two days.
  [[ -n $(find "$DIR/tls/ca.pem" -mtime -1 2>/dev/null) ]] || make_certs "$DIR/tls"
  # --no-defaults: nothing from /etc/mysql (its socket and pid paths are the packaged server's).
  setsid nohup mariadbd --no-defaults --datadir="$DIR/data" --socket="$DIR/mysqld.sock" --pid-file="$DIR/mysqld.pid" \
    --bind-address=127.0.0.1 --port="$PORT" --user="$(id -un)" --skip-name-resolve \
    --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=1 --max-connections=200 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --ssl-ca="$DIR/tls/ca.pem" --ssl-cert="$DIR/tls/server.crt" --ssl-key="$DIR/tls/server.key" \
    >"$STATE_DIR/mariadb.log" 2>&1 &
  echo $! >"$STATE_DIR/mariadb.pid"
  wait_port mariadb 127.0.0.1 "$PORT" 60 "$!"
  if $fresh; then
    mariadb --no-defaults --socket="$DIR/mysqld.sock" -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS sinkhub;
CREATE USER IF NOT EXISTS 'sinkhub'@'%' IDENTIFIED BY 'sinkhub';
GRANT ALL PRIVILEGES ON sinkhub.* TO 'sinkhub'@'%';
CREATE USER IF NOT EXISTS 'sinkhub_tls'@'%' IDENTIFIED BY 'sinkhub' REQUIRE SSL;
GRANT ALL PRIVILEGES ON sinkhub.* TO 'sinkhub_tls'@'%';
FLUSH PRIVILEGES;
SQL
  fi
  log "mariadb listening on 127.0.0.1:$PORT (pid $(cat "$STATE_DIR/mariadb.pid"))"
}

case ${1:-} in
  start) start ;;
  stop) stop_pid mariadb ;;
  status) port_open 127.0.0.1 "$PORT" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
