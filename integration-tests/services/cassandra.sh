#!/usr/bin/env bash
# Apache Cassandra 5.0 (single node) on 127.0.0.1, fetched from Maven Central: CQL on $CASSANDRA_PORT
# (9042; plain or TLS, CA in $STATE_DIR/cassandra/tls/ca.pem), storage on 7000, JMX off.
# PasswordAuthenticator with the default superuser cassandra/cassandra. Data under
# $STATE_DIR/cassandra, kept across restarts (the outage case stops and starts the server);
# `cassandra.sh reset` wipes it.
#   cassandra.sh start | stop | status | reset
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

contact=${CASSANDRA_CONTACT_POINTS:-127.0.0.1:9042}; contact=${contact%%,*}
PORT=${CASSANDRA_PORT:-${contact##*:}}
STORAGE_PORT=${CASSANDRA_STORAGE_PORT:-7000}
DIR="$STATE_DIR/cassandra"

start() {
  if port_open 127.0.0.1 "$PORT"; then log "cassandra already answering on 127.0.0.1:$PORT; using it"; return 0; fi
  local lib; lib=$(maven_fetch cassandra "$SERVICES_DIR/cassandra/pom.xml")
  local jamm; jamm=$(ls "$lib"/jamm-*.jar | head -n 1)
  local fresh=false
  [[ -d $DIR/data/system_auth ]] || fresh=true
  mkdir -p "$DIR"/{data,commitlog,saved_caches,hints,cdc_raw}
  # TLS on the same port, optional (plain clients still connect), with a CA made here and kept
  # across restarts, renewed daily: $STATE_DIR/cassandra/tls/ca.pem. Cassandra reads a PEM
  # keystore: the PKCS#8 key followed by the certificate.
  if [[ -z $(find "$DIR/tls/ca.pem" -mtime -1 2>/dev/null) ]]; then
    make_certs "$DIR/tls"
    { openssl pkcs8 -topk8 -nocrypt -in "$DIR/tls/server.key"; cat "$DIR/tls/server.crt"; } >"$DIR/tls/keystore.pem"
  fi
  # Only keys Cassandra knows: it refuses to start on an unknown one.
  cat >"$DIR/cassandra.yaml" <<YAML
cluster_name: sinkhub
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: $STORAGE_PORT
native_transport_port: $PORT
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$STORAGE_PORT"
data_file_directories: [$DIR/data]
commitlog_directory: $DIR/commitlog
saved_caches_directory: $DIR/saved_caches
hints_directory: $DIR/hints
cdc_raw_directory: $DIR/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
memtable_allocation_type: heap_buffers
disk_access_mode: standard
auto_snapshot: false
snapshot_on_duplicate_row_detection: false
authenticator: PasswordAuthenticator
authorizer: AllowAllAuthorizer
client_encryption_options:
  enabled: true
  optional: true
  ssl_context_factory:
    class_name: org.apache.cassandra.security.PEMBasedSslContextFactory
  keystore: $DIR/tls/keystore.pem
YAML
  cat >"$DIR/logback.xml" <<'XML'
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
XML
  # The JPMS flags of Cassandra's conf/jvm17-server.options; without them (and jamm) the JVM
  # exits at once without a word.
  local jpms=(
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
    --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
    --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
    --add-exports java.sql/java.sql=ALL-UNNAMED
    --add-exports java.base/java.lang.ref=ALL-UNNAMED
    --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
    --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
    --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
    --add-opens java.base/java.lang.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
    --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
    --add-opens java.base/jdk.internal.math=ALL-UNNAMED
    --add-opens java.base/jdk.internal.module=ALL-UNNAMED
    --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
    --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens java.base/java.io=ALL-UNNAMED
    --add-opens java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
    --add-opens java.base/java.lang=ALL-UNNAMED
    --add-opens java.base/java.util=ALL-UNNAMED
  )
  local t0=$SECONDS
  # A small initial heap: with JNA, Cassandra mlockall()s what is committed at start. The memtable
  # row overhead is given (180 B, what 5.0 measures) instead of measured by jamm at each start.
  setsid nohup java -Xms256m -Xmx${CASSANDRA_HEAP:-1g} -Xss256k -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    -javaagent:"$jamm" -Djdk.attach.allowAttachSelf=true -Dio.netty.tryReflectionSetAccessible=true "${jpms[@]}" \
    -Dcassandra-foreground=yes -Dcassandra.config="file://$DIR/cassandra.yaml" -Dlogback.configurationFile="$DIR/logback.xml" \
    -Dcassandra.storagedir="$DIR" -Dcassandra.logdir="$DIR" \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=0 -Dcassandra.superuser_setup_delay_ms=0 \
    -Dcassandra.memtable.row_overhead_size=180 \
    -cp "$lib/*" org.apache.cassandra.service.CassandraDaemon >"$STATE_DIR/cassandra.log" 2>&1 &
  echo $! >"$STATE_DIR/cassandra.pid"
  wait_port cassandra 127.0.0.1 "$PORT" "${CASSANDRA_START_TIMEOUT:-120}" "$!"
  # A new node creates the superuser cassandra/cassandra just after it starts listening.
  if $fresh; then wait_log cassandra "Created default superuser role" 60 "$(cat "$STATE_DIR/cassandra.pid")" || return 1; fi
  log "cassandra listening on 127.0.0.1:$PORT (pid $(cat "$STATE_DIR/cassandra.pid"), $((SECONDS - t0)) s)"
}

case ${1:-} in
  start) start ;;
  stop) stop_pid cassandra ;;
  status) port_open 127.0.0.1 "$PORT" ;;
  reset) stop_pid cassandra; rm -rf "$DIR" ;;
  *) echo "usage: $0 start|stop|status|reset" >&2; exit 64 ;;
esac
