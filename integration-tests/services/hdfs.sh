#!/usr/bin/env bash
# HDFS from Maven Central on 127.0.0.1: one NameNode and one DataNode in one JVM (the shaded
# Hadoop minicluster, driven by hdfs/MiniHdfs.java), WebHDFS on 9870, NameNode RPC on 8020,
# DataNode on 9864 (HTTP, where WebHDFS redirects writes), 9866 (data), 9867 (IPC). Data under
# $STATE_DIR/hdfs, kept across restarts (the outage case); formatted on first start.
#   hdfs.sh start | stop | status
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

url=${HDFS_URL:-http://127.0.0.1:9870}; hostport=${url#*://}; hostport=${hostport%%/*}
PORT=${hostport##*:}
DIR="$STATE_DIR/hdfs"

# JDK 17: Hadoop reflects into these.
OPENS=()
for pkg in java.lang java.util java.util.concurrent java.nio sun.nio.ch java.io java.net java.lang.reflect; do
  OPENS+=("--add-opens=java.base/$pkg=ALL-UNNAMED")
done

start() {
  if port_open 127.0.0.1 "$PORT"; then log "hdfs already answering on 127.0.0.1:$PORT; using it"; return 0; fi
  local lib classes src="$SERVICES_DIR/hdfs/MiniHdfs.java"
  lib=$(maven_fetch hdfs "$SERVICES_DIR/hdfs/pom.xml")
  classes="$CACHE_DIR/hdfs/classes-$(sha1sum "$src" | cut -c1-12)"
  if [[ ! -f $classes/MiniHdfs.class ]]; then
    mkdir -p "$classes"; javac -nowarn -cp "$lib/*" -d "$classes" "$src"
  fi
  mkdir -p "$DIR"
  setsid nohup java -Xms128m -Xmx512m "${OPENS[@]}" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$lib/*:$classes" MiniHdfs "$DIR/cluster" \
    >"$STATE_DIR/hdfs.log" 2>&1 &
  echo $! >"$STATE_DIR/hdfs.pid"
  local pid=$!
  # The HTTP port opens before the DataNode has registered: wait for the ready line.
  wait_log hdfs '^MiniHdfs ready' 120 "$pid" || return 1
  log "hdfs listening on 127.0.0.1:$PORT (WebHDFS), 8020 (RPC) (pid $pid)"
}

case ${1:-} in
  start) start ;;
  stop) stop_pid hdfs ;;
  status) port_open 127.0.0.1 "$PORT" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
