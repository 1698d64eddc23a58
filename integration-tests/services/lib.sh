# Shared helpers for the service scripts: cache and state locations, port waits, stop by PID.
# Sourced, not run. Every service binds 127.0.0.1 and records its PID under $STATE_DIR.
set -euo pipefail

SERVICES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SERVICES_DIR/../.." && pwd)
CACHE_DIR=${SINKHUB_CACHE:-$HOME/.cache/sinkhub}
STATE_DIR=${SINKHUB_STATE:-$REPO_DIR/.services}
mkdir -p "$CACHE_DIR" "$STATE_DIR"

log() { printf '[services] %s\n' "$*" >&2; }

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_port NAME HOST PORT TIMEOUT_S PID: wait for the port while PID lives; fail loudly otherwise.
wait_port() {
  local name=$1 host=$2 port=$3 timeout=$4 pid=$5 waited=0
  until port_open "$host" "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited before listening on $host:$port; last log lines:"; tail -n 30 "$STATE_DIR/$name.log" >&2 || true; return 1
    fi
    if (( waited >= timeout * 2 )); then log "$name not listening on $host:$port after ${timeout}s"; return 1; fi
    sleep 0.5; waited=$((waited + 1))
  done
}

# wait_log NAME PATTERN TIMEOUT_S PID: wait for a line matching PATTERN in $STATE_DIR/NAME.log
# while PID lives (servers that open their port before they are ready); fail loudly otherwise.
wait_log() {
  local name=$1 pattern=$2 timeout=$3 pid=$4 waited=0
  until grep -q "$pattern" "$STATE_DIR/$name.log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited while starting; last log lines:"; tail -n 30 "$STATE_DIR/$name.log" >&2 || true; return 1
    fi
    if (( waited >= timeout * 2 )); then log "$name not ready after ${timeout}s (no line matching '$pattern')"; return 1; fi
    sleep 0.5; waited=$((waited + 1))
  done
}

# maven_fetch NAME POM: copy the runtime dependencies of POM into the cache once.
maven_fetch() {
  local name=$1 pom=$2 dir="$CACHE_DIR/$1/lib"
  local stamp="$dir/.pom-$(sha1sum "$pom" | cut -c1-12)"
  if [[ ! -f $stamp ]]; then
    log "fetching $name from Maven Central (cached in $dir)"
    rm -rf "$dir"; mkdir -p "$dir"
    mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir" >&2
    touch "$stamp"
  fi
  printf '%s' "$dir"
}

# Servers are started with setsid: a restart made from a test must outlive the test process.
# stop_pid NAME: stop the process we started (TERM, then KILL after 20 s).
stop_pid() {
  local name=$1 pidfile="$STATE_DIR/$1.pid"
  [[ -f $pidfile ]] || { log "$name: not started by us"; return 0; }
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "$name: still alive, SIGKILL"; kill -9 "$pid" || true; }
  fi
  rm -f "$pidfile"; log "$name stopped (pid $pid)"
}

# make_certs DIR: a throwaway CA (ca.pem) and a server certificate for 127.0.0.1/localhost
# (server.key, server.crt), as PEM, for the TLS cases.
make_certs() {
  local dir=$1
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=sinkhub test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/san.ext" -out "$dir/server.crt" 2>/dev/null
}
