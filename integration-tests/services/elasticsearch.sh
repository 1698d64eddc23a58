#!/usr/bin/env bash
# Single-node Elasticsearch 8.19 on 127.0.0.1: Elastic's integ-test-zip from Maven Central
# (services/elasticsearch/pom.xml), on the system JDK (17 or newer; the zip bundles none), plain HTTP,
# security off. The data stays in $STATE_DIR/elasticsearch across stop/start: the outage case stops and
# restarts it. Elasticsearch refuses to run as root: as root, the server runs as $ELASTICSEARCH_USER
# (default sinkhub-es, created when missing) through setpriv, which keeps the PID we record.
#   elasticsearch.sh start   start unless something already answers on the port; wait for yellow health
#   elasticsearch.sh stop    stop the server this script started (by PID)
#   elasticsearch.sh status  exit 0 when the cluster health answers yellow or green
# The zip has only the x-pack-core, x-pack-security, transport-netty4 and apm modules. Indices, mappings,
# _bulk, _search, aggregations, index templates and data streams work; GET / and HEAD / do not (405: a
# client's info() and ping() fail, use cluster.health()), nor Painless scripts, ingest processors,
# _reindex, _delete_by_query or scaled_float-like field types. docker/elasticsearch.yml has them all.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

URL=${ELASTICSEARCH_URL:-http://127.0.0.1:9200}; URL=${URL%/}
hostport=${URL#*://}; hostport=${hostport##*@}; hostport=${hostport%%/*}
[[ $hostport == *:* ]] && url_port=${hostport##*:} || url_port=9200
PORT=${ELASTICSEARCH_PORT:-$url_port}
TRANSPORT_PORT=${ELASTICSEARCH_TRANSPORT_PORT:-$((PORT + 100))}
HEAP=${ELASTICSEARCH_HEAP:-512m}
START_TIMEOUT=${ELASTICSEARCH_START_TIMEOUT:-120}
# NAME keys the PID, log and state files, so a second, secured instance can run beside this one
# (services/elasticsearch-secure.sh: ES_SECURE=1, TLS on HTTP, users from the file realm).
NAME=${ES_NAME:-elasticsearch}
SECURE=${ES_SECURE:-0}
ES_STATE="$STATE_DIR/$NAME"
ES_ADMIN=${ELASTICSEARCH_USER_NAME:-sinkhub}
ES_ADMIN_PASSWORD=${ELASTICSEARCH_PASSWORD:-sinkhub-secret}
CURL_OPTS=()
[[ $SECURE == 1 ]] && CURL_OPTS=(--cacert "$ES_STATE/config/certs/ca.pem" -u "$ES_ADMIN:$ES_ADMIN_PASSWORD")
ES_USER=
[[ $(id -u) == 0 ]] && ES_USER=${ELASTICSEARCH_USER:-sinkhub-es}

# healthy URL WAIT_S: the cluster at URL reports yellow or green within WAIT_S seconds.
healthy() { curl -fsS "${CURL_OPTS[@]}" -m $(($2 + 5)) "$1/_cluster/health?wait_for_status=yellow&timeout=${2}s" >/dev/null 2>&1; }

# unpack ZIP: the distribution's directory, unpacked once into the cache.
unpack() {
  local zip=$1 name; name=$(basename "$zip" .zip)
  local home="$CACHE_DIR/elasticsearch/$name"
  if [[ ! -x $home/bin/elasticsearch ]]; then
    log "unpacking $name into $home"
    local tmp; tmp=$(mktemp -d "$CACHE_DIR/elasticsearch/.unpack.XXXXXX")
    if command -v unzip >/dev/null; then unzip -q "$zip" -d "$tmp" >&2
    else python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$tmp"; chmod a+x "$tmp/$name"/bin/*; fi
    chmod -R a+rX "$tmp/$name"
    rm -rf "$home"; mv "$tmp/$name" "$home"; rm -rf "$tmp"
  fi
  printf '%s' "$home"
}

# The security part of elasticsearch.yml: off, or on with TLS on HTTP (a CA made here).
security_settings() {
  if [[ $SECURE != 1 ]]; then echo 'xpack.security.enabled: false'; return; fi
  cat <<SEC
xpack.security.enabled: true
xpack.security.http.ssl.enabled: true
xpack.security.http.ssl.certificate: certs/server.crt
xpack.security.http.ssl.key: certs/server.key
xpack.security.http.ssl.certificate_authorities: [certs/ca.pem]
SEC
}

start() {
  if port_open 127.0.0.1 "$PORT"; then
    log "elasticsearch: something already answers on 127.0.0.1:$PORT; using it"
    healthy "$URL" 30 || log "elasticsearch: but $URL/_cluster/health does not report yellow or green"
    return 0
  fi
  command -v curl >/dev/null || { log "elasticsearch: curl is needed (apt-get install curl)"; return 1; }
  local lib zip home
  lib=$(maven_fetch elasticsearch "$SERVICES_DIR/elasticsearch/pom.xml")
  zip=$(ls "$lib"/elasticsearch-*.zip)
  home=$(unpack "$zip")

  mkdir -p "$ES_STATE"/{config,data,logs,tmp}; ES_STATE=$(cd "$ES_STATE" && pwd)
  cp "$home/config/jvm.options" "$home/config/log4j2.properties" "$ES_STATE/config/"
  [[ $SECURE == 1 && ! -f $ES_STATE/config/certs/ca.pem ]] && make_certs "$ES_STATE/config/certs"
  cat >"$ES_STATE/config/elasticsearch.yml" <<YML
cluster.name: sinkhub
node.name: sinkhub-es
# 127.0.0.1 and single-node discovery: development mode, bootstrap checks only warn.
network.host: 127.0.0.1
http.port: $PORT
transport.port: $TRANSPORT_PORT
discovery.type: single-node
path.data: $ES_STATE/data
path.logs: $ES_STATE/logs
$(security_settings)
# Tests clean up with DELETE /prefix-*; a full disk must not turn the indices read-only.
action.destructive_requires_name: false
cluster.routing.allocation.disk.threshold_enabled: false
YML
  if [[ $SECURE == 1 ]] && ! grep -q "^$ES_ADMIN:" "$ES_STATE/config/users" 2>/dev/null; then
    # A superuser in the file realm, for basic auth. (API keys live in the .security index, which
    # this distribution cannot create: it lacks the analysis module the index needs.)
    touch "$ES_STATE/config/users" "$ES_STATE/config/users_roles"
    ES_PATH_CONF="$ES_STATE/config" ES_JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" \
      "$home/bin/elasticsearch-users" useradd "$ES_ADMIN" -p "$ES_ADMIN_PASSWORD" -r superuser >&2 ||
      { log "$NAME: could not add the user $ES_ADMIN"; return 1; }
  fi
  local as_es=()  # the prefix that runs a command as the server's user; setpriv execs it: same PID
  if [[ -n $ES_USER ]]; then
    id "$ES_USER" >/dev/null 2>&1 || { log "creating user $ES_USER: Elasticsearch refuses to run as root"; useradd -m "$ES_USER"; }
    as_es=(setpriv --reuid="$(id -u "$ES_USER")" --regid="$(id -g "$ES_USER")" --init-groups --)
    chown "$ES_USER:" "$ES_STATE"; chown -R "$ES_USER:" "$ES_STATE"/{config,data,logs,tmp}
    "${as_es[@]}" test -w "$ES_STATE/data" || { log "elasticsearch: user $ES_USER cannot reach $ES_STATE; set SINKHUB_STATE elsewhere"; return 1; }
    if ! "${as_es[@]}" test -x "$home/bin/elasticsearch"; then
      # The cache is out of that user's reach (e.g. under /root): give it a copy, hard-linked when possible.
      local copy; copy="$ES_STATE/$(basename "$home")"
      if [[ ! -x $copy/bin/elasticsearch ]]; then
        rm -rf "$copy" "$copy.tmp"
        cp -al "$home" "$copy.tmp" 2>/dev/null || { rm -rf "$copy.tmp"; cp -a "$home" "$copy.tmp"; }
        mv "$copy.tmp" "$copy"
      fi
      home=$copy
    fi
  fi

  local java_home=${ES_JAVA_HOME:-${JAVA_HOME:-}}
  [[ -n $java_home ]] || java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  rm -f "$ES_STATE/server.pid"
  # bin/elasticsearch execs a launcher JVM that runs the server JVM as its child and stops it on TERM:
  # the launcher's PID is the one recorded. -p makes the server write its own PID, for stop's check.
  (cd "$ES_STATE" && exec env -u JAVA_HOME ES_JAVA_HOME="$java_home" ES_PATH_CONF="$ES_STATE/config" \
    ES_TMPDIR="$ES_STATE/tmp" ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${ES_JAVA_OPTS:-}" \
    setsid nohup "${as_es[@]}" "$home/bin/elasticsearch" -p "$ES_STATE/server.pid") \
    >"$STATE_DIR/$NAME.log" 2>&1 &
  local pid=$! t0=$SECONDS
  echo "$pid" >"$STATE_DIR/$NAME.pid"
  wait_port "$NAME" 127.0.0.1 "$PORT" "$START_TIMEOUT" "$pid" || { stop; return 1; }
  until healthy "$URL" 5; do
    if ! kill -0 "$pid" 2>/dev/null || (( SECONDS - t0 >= START_TIMEOUT )); then
      log "elasticsearch: no yellow cluster health within ${START_TIMEOUT}s; last log lines:"
      tail -n 30 "$STATE_DIR/$NAME.log" >&2 || true; stop; return 1
    fi
    sleep 1
  done
  log "$NAME ${home##*/elasticsearch-} on $URL in $((SECONDS - t0))s (pid $pid, data in $ES_STATE/data)"
}

stop() {
  local server; server=$(cat "$ES_STATE/server.pid" 2>/dev/null || true)
  stop_pid "$NAME"
  # The launcher stops its server before exiting; should it have been killed instead, stop the server too.
  if [[ -n $server ]] && kill -0 "$server" 2>/dev/null && grep -qa org.elasticsearch "/proc/$server/cmdline"; then
    log "elasticsearch: server JVM $server outlived its launcher; stopping it"
    kill "$server"
    for _ in $(seq 1 40); do kill -0 "$server" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$server" 2>/dev/null && kill -9 "$server" || true
  fi
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) healthy "$URL" 1 ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
