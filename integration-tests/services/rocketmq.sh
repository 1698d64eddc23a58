#!/usr/bin/env bash
# Apache RocketMQ 5 from Maven Central on 127.0.0.1: a name server (9876) and a proxy in local
# mode with the broker in its JVM (broker 10909-10912, proxy remoting 8080, gRPC 8081 for
# rocketmq-client-nodejs). Messages under $STATE_DIR/rocketmq, kept across restarts (the outage
# case stops and starts all three). The proxy's gRPC and remoting ports and the broker's HA port
# listen on every interface (this version has no bind address for them); the rest on 127.0.0.1.
# First fetch: about 90 MB from Maven Central, ~30 s; a start takes ~20 s.
#   rocketmq.sh start | stop [proxy] | status
#   rocketmq.sh topic NAME [NORMAL|FIFO|DELAY|TRANSACTION] [QUEUES]   create or update a topic
#   rocketmq.sh admin ARGS...                                          any mqadmin command
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAMESRV_PORT=${ROCKETMQ_NAMESRV_PORT:-9876}
BROKER_PORT=${ROCKETMQ_BROKER_PORT:-10911}
PROXY_PORT=${ROCKETMQ_PROXY_PORT:-8080}
GRPC_PORT=${ROCKETMQ_GRPC_PORT:-8081}
DIR="$STATE_DIR/rocketmq"
NAMESRV=127.0.0.1:$NAMESRV_PORT
CLUSTER=DefaultCluster

# RocketMQ releases its mapped files through the JDK's internal cleaner.
JDK_OPENS=(--add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED)

lib() { maven_fetch rocketmq "$SERVICES_DIR/rocketmq/pom.xml"; }

java_cmd() {
  local heap=$1 direct=$2; shift 2
  printf '%s\n' java "-Xms$heap" "-Xmx$heap" "-XX:MaxDirectMemorySize=$direct" -XX:+UseG1GC "${JDK_OPENS[@]}" \
    "-Drocketmq.home.dir=$DIR" "-Duser.home=$DIR" -Drocketmq.client.logUseSlf4j=false \
    -cp "$(lib)/*" "$@"
}

start_namesrv() {
  if port_open 127.0.0.1 "$NAMESRV_PORT"; then log "rocketmq name server already answering on $NAMESRV; using it"; return 0; fi
  mkdir -p "$DIR/namesrv"
  cat >"$DIR/namesrv.conf" <<CONF
listenPort=$NAMESRV_PORT
bindAddress=127.0.0.1
kvConfigPath=$DIR/namesrv/kvConfig.json
configStorePath=$DIR/namesrv/namesrv.properties
CONF
  local cmd; mapfile -t cmd < <(java_cmd "${ROCKETMQ_NAMESRV_HEAP:-256m}" 128m org.apache.rocketmq.namesrv.NamesrvStartup -c "$DIR/namesrv.conf")
  setsid nohup "${cmd[@]}" >"$STATE_DIR/rocketmq-namesrv.log" 2>&1 &
  echo $! >"$STATE_DIR/rocketmq-namesrv.pid"
  wait_port rocketmq-namesrv 127.0.0.1 "$NAMESRV_PORT" 60 "$!"
}

start_proxy() {
  if port_open 127.0.0.1 "$GRPC_PORT"; then log "rocketmq proxy already answering on 127.0.0.1:$GRPC_PORT; using it"; return 0; fi
  mkdir -p "$DIR/store"
  # The disk ratios are high on purpose: the broker refuses writes past diskSpaceWarningLevelRatio
  # (90% by default), and a shared test disk is often that full.
  cat >"$DIR/broker.conf" <<CONF
brokerClusterName=$CLUSTER
brokerName=broker-a
brokerId=0
brokerRole=ASYNC_MASTER
flushDiskType=ASYNC_FLUSH
brokerIP1=127.0.0.1
bindAddress=127.0.0.1
listenPort=$BROKER_PORT
namesrvAddr=$NAMESRV
storePathRootDir=$DIR/store
storePathCommitLog=$DIR/store/commitlog
autoCreateTopicEnable=true
autoCreateSubscriptionGroup=true
mappedFileSizeCommitLog=134217728
diskMaxUsedSpaceRatio=95
diskSpaceWarningLevelRatio=98
diskSpaceCleanForciblyRatio=97
deleteWhen=04
fileReservedTime=24
transactionCheckInterval=${ROCKETMQ_TRANSACTION_CHECK_INTERVAL_MS:-10000}
transactionTimeOut=${ROCKETMQ_TRANSACTION_TIMEOUT_MS:-6000}
CONF
  cat >"$DIR/rmq-proxy.json" <<CONF
{
  "rocketMQClusterName": "$CLUSTER",
  "namesrvAddr": "$NAMESRV",
  "remotingListenPort": $PROXY_PORT,
  "grpcServerPort": $GRPC_PORT,
  "enableTopicMessageTypeCheck": true
}
CONF
  local cmd; mapfile -t cmd < <(java_cmd "${ROCKETMQ_HEAP:-768m}" "${ROCKETMQ_DIRECT_MEMORY:-512m}" \
    org.apache.rocketmq.proxy.ProxyStartup -pm local -bc "$DIR/broker.conf" -pc "$DIR/rmq-proxy.json" -n "$NAMESRV")
  setsid nohup "${cmd[@]}" >"$STATE_DIR/rocketmq.log" 2>&1 &
  echo $! >"$STATE_DIR/rocketmq.pid"
  wait_port rocketmq 127.0.0.1 "$BROKER_PORT" 120 "$!"
  wait_port rocketmq 127.0.0.1 "$GRPC_PORT" 120 "$!"
}

start() {
  local t0=$SECONDS
  lib >/dev/null
  start_namesrv
  start_proxy
  wait_registered
  log "rocketmq listening: name server $NAMESRV, broker 127.0.0.1:$BROKER_PORT, proxy gRPC 127.0.0.1:$GRPC_PORT (pid $(cat "$STATE_DIR/rocketmq.pid" 2>/dev/null || echo '?'), $((SECONDS - t0)) s)"
}

# The broker registers with the name server after it listens: topics can be created (and routes
# served) only once the name server lists it.
wait_registered() {
  local waited=0
  until admin clusterList -n "$NAMESRV" 2>/dev/null | grep -q "broker-a"; do
    (( waited >= 60 )) && { log "rocketmq broker not registered with the name server after 60 s"; return 1; }
    sleep 2; waited=$((waited + 2))
  done
}

stop() {
  stop_pid rocketmq
  # `stop proxy` keeps the name server up.
  [[ ${1:-} == proxy ]] || stop_pid rocketmq-namesrv
}

admin() {
  local cmd; mapfile -t cmd < <(java_cmd 128m 64m org.apache.rocketmq.tools.command.MQAdminStartup)
  "${cmd[@]}" "$@"
}

# topic NAME [TYPE] [QUEUES]: 5.x topics carry their message type; sends of another type are refused.
topic() {
  local name=$1 type=${2:-NORMAL} queues=${3:-4} order=()
  [[ $type == FIFO ]] && order=(-o true)
  # mqadmin exits 0 whatever happened: a created topic is told by its "success" line.
  local out; out=$(admin updateTopic -n "$NAMESRV" -c "$CLUSTER" -t "$name" -r "$queues" -w "$queues" "${order[@]}" -a "+message.type=$type" 2>&1)
  grep -q 'success' <<<"$out" || { printf '%s\n' "$out" >&2; log "creating topic $name failed"; return 1; }
  printf '%s\n' "$out" | grep -E 'success|TopicConfig'
}

case ${1:-} in
  start) start ;;
  stop) stop "${2:-}" ;;
  status) port_open 127.0.0.1 "$NAMESRV_PORT" && port_open 127.0.0.1 "$GRPC_PORT" ;;
  topic) shift; topic "$@" ;;
  admin) shift; admin "$@" ;;
  *) echo "usage: $0 start|stop|status|topic NAME [TYPE] [QUEUES]|admin ARGS..." >&2; exit 64 ;;
esac
