#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft) on 127.0.0.1, fetched from Maven Central.
#   kafka.sh start   start unless something already answers on $KAFKA_PORT; fresh storage each start (see KAFKA_KEEP_STORAGE)
#   kafka.sh stop    stop the broker this script started (by PID)
#   kafka.sh status  exit 0 when the port answers
# KAFKA_SERVICE names the state (default kafka: $STATE_DIR/kafka, kafka.pid, kafka.log), so one
# script serves several clusters (kafka-target.sh); KAFKA_KEEP_STORAGE=1 keeps the storage
# across a stop/start instead of formatting it anew.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

broker=${KAFKA_BROKERS:-127.0.0.1:9092}; broker=${broker%%,*}
PORT=${KAFKA_PORT:-${broker##*:}}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}
# SASL_PLAINTEXT listener for the authentication suite: PLAIN and SCRAM users sinkhub/sinkhub-secret.
SASL_PORT=${KAFKA_SASL_PORT:-$((PORT + 2))}
SASL_USER=sinkhub SASL_PASSWORD=sinkhub-secret
# SSL listener for the TLS suite, with a CA made at start: $STATE_DIR/kafka/tls/ca.pem.
TLS_PORT=${KAFKA_TLS_PORT:-$((PORT + 3))}
NAME=${KAFKA_SERVICE:-kafka}
DATA="$STATE_DIR/$NAME"

start() {
  if port_open 127.0.0.1 "$PORT"; then
    log "$NAME already answering on 127.0.0.1:$PORT; using it"
    port_open 127.0.0.1 "$SASL_PORT" && port_open 127.0.0.1 "$TLS_PORT" ||
      log "it has no SASL listener on $SASL_PORT or TLS listener on $TLS_PORT: the SASL and TLS suites will fail"
    return 0
  fi
  local lib; lib=$(maven_fetch kafka "$SERVICES_DIR/kafka/pom.xml")
  local fresh=1
  [[ ${KAFKA_KEEP_STORAGE:-0} == 1 && -f $DATA/logs/meta.properties ]] && fresh=0
  if ((fresh)); then
    rm -rf "$DATA"; mkdir -p "$DATA/logs"
    make_certs "$DATA/tls"
    # Kafka reads a PEM keystore: the PKCS#8 key followed by the certificate chain.
    { openssl pkcs8 -topk8 -nocrypt -in "$DATA/tls/server.key"; cat "$DATA/tls/server.crt" "$DATA/tls/ca.pem"; } >"$DATA/tls/broker-keystore.pem"
  fi
  cat > "$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PORT,SSL://127.0.0.1:$TLS_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PORT,SSL://127.0.0.1:$TLS_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=$DATA/tls/broker-keystore.pem
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SASL_USER="$SASL_PASSWORD";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
log.dirs=$DATA/logs
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
  cat > "$DATA/log4j.properties" <<'PROPS'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
PROPS
  local java=(java -Xmx${KAFKA_HEAP:-512m} -Xms256m -Dlog4j.configuration="file:$DATA/log4j.properties" -cp "$lib/*")
  if ((fresh)); then
    "${java[@]}" kafka.tools.StorageTool format -t "$("${java[@]}" kafka.tools.StorageTool random-uuid)" \
      -c "$DATA/server.properties" \
      --add-scram "SCRAM-SHA-256=[name=$SASL_USER,password=$SASL_PASSWORD]" \
      --add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$SASL_PASSWORD]" >"$STATE_DIR/$NAME.log" 2>&1
  fi
  setsid nohup "${java[@]}" kafka.Kafka "$DATA/server.properties" >>"$STATE_DIR/$NAME.log" 2>&1 &
  echo $! >"$STATE_DIR/$NAME.pid"
  wait_port "$NAME" 127.0.0.1 "$PORT" "${KAFKA_START_TIMEOUT:-90}" "$!"
  wait_port "$NAME" 127.0.0.1 "$SASL_PORT" 30 "$(cat "$STATE_DIR/$NAME.pid")"
  wait_port "$NAME" 127.0.0.1 "$TLS_PORT" 30 "$(cat "$STATE_DIR/$NAME.pid")"
  log "$NAME listening on 127.0.0.1:$PORT (SASL on $SASL_PORT, TLS on $TLS_PORT, pid $(cat "$STATE_DIR/$NAME.pid"))"
}

case ${1:-} in
  start) start ;;
  stop) stop_pid "$NAME" ;;
  status) port_open 127.0.0.1 "$PORT" && port_open 127.0.0.1 "$SASL_PORT" && port_open 127.0.0.1 "$TLS_PORT" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
