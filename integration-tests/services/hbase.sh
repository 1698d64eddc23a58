#!/usr/bin/env bash
# Standalone HBase 2.6 on 127.0.0.1 from Maven Central (services/hbase/pom.xml): one JVM running
# the master, a region server and an embedded ZooKeeper, storing on the local file system; and the
# REST gateway (Stargate) in a second JVM. Data stays in $STATE_DIR/hbase across stop/start.
#   hbase.sh start   start HBase unless its region server already answers, then the REST gateway
#                    unless its port answers; wait until the gateway can list tables (the master is up)
#   hbase.sh stop    stop the gateway, then HBase (by PID; only what this script started)
#   hbase.sh status  exit 0 when the gateway lists tables
# HBASE_PART=rest limits start/stop/status to the REST gateway (services/hbase-rest.sh): the
# outage case of the REST transport stops only the gateway, which restarts in seconds.
# HBASE_PART=rest-tls runs a second gateway (services/hbase-rest-tls.sh) with HTTPS only, on an
# ephemeral port written to $STATE_DIR/hbase-rest-tls.port, its certificate signed by a CA made
# here ($STATE_DIR/hbase/tls/ca.pem); HBase itself must be running.
# Ports: ZooKeeper 2181, master 16000 (UI 16010), region server 16020 (UI 16030), REST 8070
# (info 8071); every one bound to 127.0.0.1, and the servers register as 127.0.0.1 in ZooKeeper.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REST_URL=${HBASE_REST_URL:-http://127.0.0.1:8070}; REST_URL=${REST_URL%/}
rest_hostport=${REST_URL#*://}; rest_hostport=${rest_hostport%%/*}
REST_PORT=${HBASE_REST_PORT:-${rest_hostport##*:}}
REST_INFO_PORT=${HBASE_REST_INFO_PORT:-$((REST_PORT + 1))}
ZK_PORT=${HBASE_ZK_PORT:-2181}
MASTER_PORT=${HBASE_MASTER_PORT:-16000}
RS_PORT=${HBASE_RS_PORT:-16020}
PART=${HBASE_PART:-all}
START_TIMEOUT=${HBASE_START_TIMEOUT:-180}
DIR="$STATE_DIR/hbase"
TLS_DIR="$DIR/tls"
TLS_PORT_FILE="$STATE_DIR/hbase-rest-tls.port"

# JDK 17 flags from HBase's bin/hbase.
JAVA_FLAGS=(
  -XX:+IgnoreUnrecognizedVMOptions --add-modules jdk.unsupported
  --add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.util.concurrent=ALL-UNNAMED
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-exports java.base/sun.net.dns=ALL-UNNAMED
  --add-exports java.base/sun.net.util=ALL-UNNAMED
  -Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true
  -Djava.net.preferIPv4Stack=true
)

# rest_ready: the gateway answers a table listing, which needs a running master.
rest_ready() { curl -fsS -m 5 -H 'Accept: application/json' "$REST_URL/" >/dev/null 2>&1; }
# tls_ready: the HTTPS gateway answers with a certificate of our CA.
tls_ready() {
  [[ -f $TLS_PORT_FILE ]] && curl -fsS -m 5 --cacert "$TLS_DIR/ca.pem" -H 'Accept: application/json' "https://127.0.0.1:$(cat "$TLS_PORT_FILE")/" >/dev/null 2>&1
}

write_config() {
  mkdir -p "$DIR"/{conf,root,zk,tmp,logs}
  cat >"$DIR/conf/hbase-site.xml" <<XML
<?xml version="1.0"?>
<configuration>
  <property><name>hbase.cluster.distributed</name><value>false</value></property>
  <property><name>hbase.rootdir</name><value>file://$DIR/root</value></property>
  <property><name>hbase.tmp.dir</name><value>$DIR/tmp</value></property>
  <property><name>hbase.zookeeper.quorum</name><value>127.0.0.1</value></property>
  <property><name>hbase.zookeeper.property.clientPort</name><value>$ZK_PORT</value></property>
  <property><name>hbase.zookeeper.property.dataDir</name><value>$DIR/zk</value></property>
  <!-- The local file system has no hflush/hsync capability checks to pass. -->
  <property><name>hbase.unsafe.stream.capability.enforce</name><value>false</value></property>
  <!-- Fixed ports (a local cluster picks random ones by default), all on 127.0.0.1. -->
  <property><name>hbase.localcluster.assign.random.ports</name><value>false</value></property>
  <property><name>hbase.master.port</name><value>$MASTER_PORT</value></property>
  <property><name>hbase.master.info.port</name><value>$((MASTER_PORT + 10))</value></property>
  <property><name>hbase.regionserver.port</name><value>$RS_PORT</value></property>
  <property><name>hbase.regionserver.info.port</name><value>$((RS_PORT + 10))</value></property>
  <property><name>hbase.master.ipc.address</name><value>127.0.0.1</value></property>
  <property><name>hbase.regionserver.ipc.address</name><value>127.0.0.1</value></property>
  <property><name>hbase.master.info.bindAddress</name><value>127.0.0.1</value></property>
  <property><name>hbase.regionserver.info.bindAddress</name><value>127.0.0.1</value></property>
  <!-- One region server: the master need not wait 4.5 s for more to report at start. -->
  <property><name>hbase.master.wait.on.regionservers.mintostart</name><value>1</value></property>
  <property><name>hbase.master.wait.on.regionservers.timeout</name><value>500</value></property>
  <!-- What the servers write into ZooKeeper for clients to dial. -->
  <property><name>hbase.master.hostname</name><value>127.0.0.1</value></property>
  <property><name>hbase.unsafe.regionserver.hostname</name><value>127.0.0.1</value></property>
  <!-- Cells over 512 KiB are refused (default 10 MiB), so a test record under Kafka's 1 MB limit
       can be too large for HBase: by the gateway's client check and by the region server. -->
  <property><name>hbase.client.keyvalue.maxsize</name><value>524288</value></property>
  <property><name>hbase.server.keyvalue.maxsize</name><value>524288</value></property>
  <property><name>hbase.rest.host</name><value>127.0.0.1</value></property>
  <property><name>hbase.rest.port</name><value>$REST_PORT</value></property>
  <property><name>hbase.rest.info.bindAddress</name><value>127.0.0.1</value></property>
  <property><name>hbase.rest.info.port</name><value>$REST_INFO_PORT</value></property>
</configuration>
XML
  cat >"$DIR/conf/log4j2.properties" <<'PROPS'
status = warn
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{ISO8601} %-5p [%t] %c{2}: %m%n
rootLogger = INFO,console
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = WARN
logger.hadoop.name = org.apache.hadoop.hbase.shaded
logger.hadoop.level = WARN
PROPS
}

java_cmd() {  # java_cmd HEAP MAIN ARGS...: the JVM line for one of the servers (configuration in $CONF)
  local heap=$1; shift
  printf '%s\0' java "-Xmx$heap" "${JAVA_FLAGS[@]}" -Dhbase.log.dir="$DIR/logs" \
    -Dlog4j2.configurationFile="file:$DIR/conf/log4j2.properties" -cp "${CONF:-$DIR/conf}:$LIB/*" "$@"
}

# The HTTPS gateway's configuration: the main one plus a PKCS#12 keystore, no info server.
write_tls_config() {
  if [[ ! -f $TLS_DIR/server.p12 ]]; then
    make_certs "$TLS_DIR"
    openssl pkcs12 -export -in "$TLS_DIR/server.crt" -inkey "$TLS_DIR/server.key" -certfile "$TLS_DIR/ca.pem" \
      -name server -passout pass:sinkhub-secret -out "$TLS_DIR/server.p12"
  fi
  mkdir -p "$DIR/conf-tls"
  local ssl="  <property><name>hbase.rest.ssl.enabled</name><value>true</value></property>
  <property><name>hbase.rest.ssl.keystore.store</name><value>$TLS_DIR/server.p12</value></property>
  <property><name>hbase.rest.ssl.keystore.type</name><value>PKCS12</value></property>
  <property><name>hbase.rest.ssl.keystore.password</name><value>sinkhub-secret</value></property>
  <property><name>hbase.rest.ssl.keystore.keypassword</name><value>sinkhub-secret</value></property>
</configuration>"
  grep -v -e '</configuration>' -e 'hbase.rest.info.port' "$DIR/conf/hbase-site.xml" >"$DIR/conf-tls/hbase-site.xml"
  printf '%s\n' "$ssl" >>"$DIR/conf-tls/hbase-site.xml"
}

start_rest_tls() {
  if tls_ready; then log "hbase-rest-tls: already answering on 127.0.0.1:$(cat "$TLS_PORT_FILE")"; return 0; fi
  write_tls_config
  local t0=$SECONDS log_file="$STATE_DIR/hbase-rest-tls.log" port=''
  rm -f "$TLS_PORT_FILE"
  mapfile -d '' cmd < <(CONF="$DIR/conf-tls" java_cmd "${HBASE_REST_HEAP:-384m}" org.apache.hadoop.hbase.rest.RESTServer start -p 0 -infoport -1)
  setsid nohup "${cmd[@]}" >"$log_file" 2>&1 &
  local pid=$!
  echo "$pid" >"$STATE_DIR/hbase-rest-tls.pid"
  # Port 0: Jetty picks one and logs it ("Started ServerConnector@…{SSL, (ssl, http/1.1)}{127.0.0.1:PORT}").
  until [[ -n $port ]]; do
    port=$(grep -o 'Started ServerConnector@.*{127\.0\.0\.1:[0-9]*}' "$log_file" 2>/dev/null | grep -o '[0-9]*}$' | tr -d '}' || true)
    if ! kill -0 "$pid" 2>/dev/null || (( SECONDS - t0 >= 90 )); then
      log "hbase-rest-tls: no HTTPS listener after $((SECONDS - t0))s; last log lines:"; tail -n 20 "$log_file" >&2 || true
      stop_pid hbase-rest-tls; return 1
    fi
    [[ -n $port ]] || sleep 0.5
  done
  echo "$port" >"$TLS_PORT_FILE"
  log "hbase-rest-tls: HTTPS on 127.0.0.1:$port after $((SECONDS - t0))s (pid $pid, CA $TLS_DIR/ca.pem)"
}

start_hbase() {
  if port_open 127.0.0.1 "$RS_PORT"; then log "hbase: a region server already answers on 127.0.0.1:$RS_PORT; using it"; return 0; fi
  if port_open 127.0.0.1 "$ZK_PORT"; then
    # Standalone HBase always runs its own ZooKeeper, and aborts when it cannot have the port.
    log "hbase: 127.0.0.1:$ZK_PORT is taken by another ZooKeeper; stop it, or set HBASE_ZK_PORT (and HBASE_ZOOKEEPER for the suites)"
    return 1
  fi
  local t0=$SECONDS
  mapfile -d '' cmd < <(java_cmd "${HBASE_HEAP:-768m}" org.apache.hadoop.hbase.master.HMaster start)
  setsid nohup "${cmd[@]}" >"$STATE_DIR/hbase.log" 2>&1 &
  echo $! >"$STATE_DIR/hbase.pid"
  wait_port hbase 127.0.0.1 "$RS_PORT" "$START_TIMEOUT" "$!" || { stop_pid hbase; return 1; }
  log "hbase: region server on 127.0.0.1:$RS_PORT after $((SECONDS - t0))s (pid $(cat "$STATE_DIR/hbase.pid"))"
}

start_rest() {
  if port_open 127.0.0.1 "$REST_PORT"; then log "hbase-rest: something already answers on 127.0.0.1:$REST_PORT; using it"; return 0; fi
  local t0=$SECONDS
  mapfile -d '' cmd < <(java_cmd "${HBASE_REST_HEAP:-384m}" org.apache.hadoop.hbase.rest.RESTServer start -p "$REST_PORT" -infoport "$REST_INFO_PORT")
  setsid nohup "${cmd[@]}" >"$STATE_DIR/hbase-rest.log" 2>&1 &
  echo $! >"$STATE_DIR/hbase-rest.pid"
  wait_port hbase-rest 127.0.0.1 "$REST_PORT" 60 "$!" || { stop_pid hbase-rest; return 1; }
  log "hbase-rest: listening on 127.0.0.1:$REST_PORT after $((SECONDS - t0))s (pid $(cat "$STATE_DIR/hbase-rest.pid"))"
}

start() {
  command -v curl >/dev/null || { log "hbase: curl is needed (apt-get install curl)"; return 1; }
  local t0=$SECONDS
  LIB=$(maven_fetch hbase "$SERVICES_DIR/hbase/pom.xml")
  write_config
  if [[ $PART == rest-tls ]]; then start_rest_tls; return; fi
  [[ $PART == rest ]] || start_hbase
  start_rest
  until rest_ready; do
    if (( SECONDS - t0 >= START_TIMEOUT )); then
      log "hbase: the REST gateway cannot list tables after ${START_TIMEOUT}s; last log lines:"
      tail -n 20 "$STATE_DIR/hbase.log" "$STATE_DIR/hbase-rest.log" >&2 || true; return 1
    fi
    sleep 1
  done
  log "hbase ready in $((SECONDS - t0))s: REST on $REST_URL, ZooKeeper on 127.0.0.1:$ZK_PORT (data in $DIR)"
}

stop() {
  if [[ $PART == rest-tls ]]; then stop_pid hbase-rest-tls; rm -f "$TLS_PORT_FILE"; return; fi
  stop_pid hbase-rest
  # SIGTERM: the master's shutdown hook closes the regions (or, after 20 s, SIGKILL: HBase recovers
  # from its write-ahead log at the next start). Either way the region server stops answering at once,
  # which is the outage the conformance suite asks for.
  [[ $PART == rest ]] || stop_pid hbase
}


case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) if [[ $PART == rest-tls ]]; then tls_ready; else rest_ready; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
