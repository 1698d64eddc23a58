#!/usr/bin/env bash
# An Apache Flume 1.11 agent from Maven Central (services/flume/pom.xml) on 127.0.0.1, for the flume
# connector's suites. Three HTTP sources:
#   FLUME_PORT (5140)      JSONHandler → a file channel → a file_roll sink into $STATE_DIR/flume/out/main
#   FLUME_PORT + 1 (5141)  RefusingJSONHandler (services/flume/, compiled here: refuses requests with an
#                          event that has a `refuse` header, with 400) → a memory channel with
#                          transactionCapacity 20 → file_roll into $STATE_DIR/flume/out/strict
#   FLUME_PORT + 2 (5142)  HTTPS (ssl = true, a PKCS12 keystore from make_certs; CA at
#                          $STATE_DIR/flume/tls/ca.pem) → the file channel of the first
#   FLUME_PORT + 3 (5143)  for the benchmark: JSONHandler → a file channel of its own → file_roll into
#                          $STATE_DIR/flume/out/bench, emptied at each start (it only needs counting)
# The sinks write `{headers} body` lines (header_and_text), one file per agent run. The file channel's
# checkpoint and data and the outputs stay across stop/start: the outage case restarts the agent and
# counts on the channel keeping what it acknowledged.
#   flume.sh start | stop | status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

url=${FLUME_URL:-http://127.0.0.1:5140}; hostport=${url#*://}; hostport=${hostport%%/*}
PORT=${FLUME_PORT:-${hostport##*:}}
DIR="$STATE_DIR/flume"
HEAP=${FLUME_HEAP:-384m}

# handler LIB: the compiled RefusingJSONHandler's class directory, built once per source version.
handler() {
  local lib=$1 src="$SERVICES_DIR/flume/RefusingJSONHandler.java"
  local out="$CACHE_DIR/flume/handler-$(sha1sum "$src" | cut -c1-12)"
  if [[ ! -d $out ]]; then
    command -v javac >/dev/null || { log "flume: javac (a JDK) is needed to compile $src"; return 1; }
    rm -rf "$out.tmp"; mkdir -p "$out.tmp"
    javac -nowarn -cp "$lib/*" -d "$out.tmp" "$src" >&2
    mv "$out.tmp" "$out"
  fi
  printf '%s' "$out"
}

# keystore: the HTTPS source's certificate (for 127.0.0.1 and localhost) as PKCS12, made once.
keystore() {
  if [[ ! -f $DIR/tls/server.p12 ]]; then
    make_certs "$DIR/tls"
    openssl pkcs12 -export -in "$DIR/tls/server.crt" -inkey "$DIR/tls/server.key" -name flume \
      -passout pass:sinkhub-secret -out "$DIR/tls/server.p12"
  fi
}

configure() {
  mkdir -p "$DIR"/{conf,channel/checkpoint,channel/data,out/main,out/strict}
  rm -rf "$DIR/out/bench" "$DIR/channel/bench-checkpoint" "$DIR/channel/bench-data"; mkdir -p "$DIR/out/bench"
  cat >"$DIR/conf/flume.conf" <<CONF
a1.sources = main strict tls bench
a1.channels = file memory benchfile
a1.sinks = main strict bench

a1.sources.main.type = http
a1.sources.main.bind = 127.0.0.1
a1.sources.main.port = $PORT
a1.sources.main.handler = org.apache.flume.source.http.JSONHandler
a1.sources.main.channels = file

a1.sources.strict.type = http
a1.sources.strict.bind = 127.0.0.1
a1.sources.strict.port = $((PORT + 1))
a1.sources.strict.handler = dev.sinkhub.services.flume.RefusingJSONHandler
a1.sources.strict.channels = memory

a1.sources.tls.type = http
a1.sources.tls.bind = 127.0.0.1
a1.sources.tls.port = $((PORT + 2))
a1.sources.tls.ssl = true
a1.sources.tls.keystore = $DIR/tls/server.p12
a1.sources.tls.keystore-password = sinkhub-secret
a1.sources.tls.keystore-type = PKCS12
a1.sources.tls.channels = file

a1.sources.bench.type = http
a1.sources.bench.bind = 127.0.0.1
a1.sources.bench.port = $((PORT + 3))
a1.sources.bench.channels = benchfile

# Durable: an event the source acknowledged survives the agent's restart.
a1.channels.file.type = file
a1.channels.file.checkpointDir = $DIR/channel/checkpoint
a1.channels.file.dataDirs = $DIR/channel/data
a1.channels.file.minimumRequiredSpace = 104857600

a1.channels.benchfile.type = file
a1.channels.benchfile.checkpointDir = $DIR/channel/bench-checkpoint
a1.channels.benchfile.dataDirs = $DIR/channel/bench-data
a1.channels.benchfile.capacity = 2000000
a1.channels.benchfile.minimumRequiredSpace = 104857600

a1.channels.memory.type = memory
a1.channels.memory.capacity = 10000
a1.channels.memory.transactionCapacity = 20

a1.sinks.main.type = file_roll
a1.sinks.main.channel = file
a1.sinks.main.sink.directory = $DIR/out/main
a1.sinks.main.sink.rollInterval = 0
a1.sinks.main.sink.batchSize = 1000
a1.sinks.main.sink.serializer = header_and_text

a1.sinks.strict.type = file_roll
a1.sinks.strict.channel = memory
a1.sinks.strict.sink.directory = $DIR/out/strict
a1.sinks.strict.sink.rollInterval = 0
a1.sinks.strict.sink.batchSize = 20
a1.sinks.strict.sink.serializer = header_and_text

a1.sinks.bench.type = file_roll
a1.sinks.bench.channel = benchfile
a1.sinks.bench.sink.directory = $DIR/out/bench
a1.sinks.bench.sink.rollInterval = 0
a1.sinks.bench.sink.batchSize = 1000
a1.sinks.bench.sink.serializer = header_and_text
CONF
  cat >"$DIR/conf/log4j2.xml" <<'XML'
<Configuration status="warn">
  <Appenders><Console name="out" target="SYSTEM_OUT"><PatternLayout pattern="%d %p %c{1} [%t] %m%n"/></Console></Appenders>
  <Loggers><Root level="info"><AppenderRef ref="out"/></Root></Loggers>
</Configuration>
XML
}

start() {
  if port_open 127.0.0.1 "$PORT"; then log "flume: something already answers on 127.0.0.1:$PORT; using it"; return 0; fi
  local lib classes t0=$SECONDS
  lib=$(maven_fetch flume "$SERVICES_DIR/flume/pom.xml")
  classes=$(handler "$lib")
  keystore
  configure
  (cd "$DIR" && exec setsid nohup java -Xms64m -Xmx"$HEAP" -Dlog4j2.configurationFile="$DIR/conf/log4j2.xml" \
    -cp "$classes:$lib/*" org.apache.flume.node.Application -n a1 -f "$DIR/conf/flume.conf" --no-reload-conf) \
    >>"$STATE_DIR/flume.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$STATE_DIR/flume.pid"
  for port in "$PORT" $((PORT + 1)) $((PORT + 2)) $((PORT + 3)); do wait_port flume 127.0.0.1 "$port" 60 "$pid" || { stop_pid flume; return 1; }; done
  log "flume agent on 127.0.0.1:$PORT-$((PORT + 3)) in $((SECONDS - t0))s (pid $pid, outputs in $DIR/out)"
}

case ${1:-} in
  start) start ;;
  stop) stop_pid flume ;;
  status) port_open 127.0.0.1 "$PORT" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
