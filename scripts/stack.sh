#!/usr/bin/env bash
# Starts, stops and reports the local Kilowatch stack: Mosquitto, KRaft Kafka (one node, or a
# cluster of three) and InfluxDB 1.x, all on loopback, all data under one folder. Idempotent:
# `up` leaves running parts alone, `down` stops only what this folder's pid files name.
#
#   scripts/stack.sh up|down|status [mqtt|influx|kafka ...]   (default: all three)
#
# Environment (defaults in brackets):
#   KW_STACK_DIR [<repo>/.stack]    where data, logs and pid files live
#   KW_MQTT_PORT [1883]  KW_KAFKA_PORT [9092]  KW_KAFKA_CONTROLLER_PORT [9093]
#   KW_INFLUX_PORT [8086]  KW_INFLUX_RPC_PORT [8088]  KW_INFLUX_DB [kilowatch]
#   KW_READINGS_PARTITIONS [4]
#   KW_KAFKA_BROKERS [1]   3: three KRaft nodes (each broker and controller), replication
#                          factor 3, min.insync.replicas 2; node n listens on KW_KAFKA_PORT + 2(n-1)
#                          and KW_KAFKA_CONTROLLER_PORT + 2(n-1) (9092/9093, 9094/9095, 9096/9097),
#                          data in kafka/, kafka2/, kafka3/. Clients work unchanged (any node
#                          bootstraps them); list every node to survive the first one's loss.
# A test run and a running demo use different ports and folders (scripts/test.sh does).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_DIR=${KW_STACK_DIR:-$ROOT/.stack}
MQTT_PORT=${KW_MQTT_PORT:-1883}
KAFKA_PORT=${KW_KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KW_KAFKA_CONTROLLER_PORT:-9093}
INFLUX_PORT=${KW_INFLUX_PORT:-8086}
INFLUX_RPC_PORT=${KW_INFLUX_RPC_PORT:-8088}
INFLUX_DB=${KW_INFLUX_DB:-kilowatch}
READINGS_PARTITIONS=${KW_READINGS_PARTITIONS:-4}
KAFKA_BROKERS=${KW_KAFKA_BROKERS:-1}
case "$KAFKA_BROKERS" in 1|3) ;; *) echo "KW_KAFKA_BROKERS must be 1 or 3, got $KAFKA_BROKERS" >&2; exit 2 ;; esac
# Replication as the cluster allows: with three nodes a write needs two copies, so one node may
# die without losing an acknowledged record or stopping writes.
if [ "$KAFKA_BROKERS" = 3 ]; then KAFKA_RF=3; KAFKA_MIN_ISR=2; else KAFKA_RF=1; KAFKA_MIN_ISR=1; fi
kafka_node_dir() { if [ "$1" = 1 ]; then echo "$STACK_DIR/kafka"; else echo "$STACK_DIR/kafka$1"; fi; }
kafka_node_port() { echo $((KAFKA_PORT + 2 * ($1 - 1))); }
kafka_node_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }
kafka_bootstrap() {
  local n list=""
  for n in $(seq 1 "$KAFKA_BROKERS"); do list="$list${list:+,}127.0.0.1:$(kafka_node_port "$n")"; done
  echo "$list"
}

log() { printf '[stack] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- installation
install_packages() {
  local missing=()
  command -v mosquitto >/dev/null || missing+=(mosquitto mosquitto-clients)
  command -v mosquitto_pub >/dev/null || missing+=(mosquitto-clients)
  command -v influxd >/dev/null || missing+=(influxdb)
  command -v curl >/dev/null || missing+=(curl)
  # The dashboards' preview page is tested in headless Chromium (DashboardsIT).
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  # ...with a font that has 元 (the preview's money).
  [ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing+=(fonts-wqy-zenhei)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (Debian packages)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

kafka_classpath() {
  local cp_file=$STACK_DIR/kafka/classpath.txt
  if [ ! -s "$cp_file" ]; then
    log "resolving the Kafka 4.4.0 broker from Maven Central"
    mkdir -p "$STACK_DIR/kafka"
    mvn -q -B -Dstyle.color=never -f "$ROOT/scripts/stack/kafka-server-pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$cp_file" >/dev/null || die "could not resolve the Kafka broker jars"
  fi
  cat "$cp_file"
}

# ---------------------------------------------------------------- process helpers
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# A port that answers although this stack's process is not running belongs to something else
# (another stack folder, a system service): starting anyway would "succeed" against it.
require_free() { # component, ports...
  local name=$1 port; shift
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "$name: port $port is already in use by a process that is not this stack's ($STACK_DIR); stop it or choose other ports (KW_*_PORT)"
    fi
  done
}

wait_for() { # description, seconds, command...
  local what=$1 secs=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || die "$what did not answer within ${secs}s"
    sleep 0.2
  done
}

stop_pid() { # name pidfile
  local name=$1 pidf=$2
  if pid_alive "$pidf"; then
    local pid; pid=$(cat "$pidf")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in 10 s; killing"
      kill -9 "$pid" 2>/dev/null || true
    fi
    log "$name stopped"
  fi
  rm -f "$pidf"
}

# ---------------------------------------------------------------- Mosquitto
mqtt_up() {
  local d=$STACK_DIR/mosquitto; mkdir -p "$d/data"
  if pid_alive "$d/mosquitto.pid"; then log "mosquitto already running on $MQTT_PORT"; return; fi
  require_free mosquitto "$MQTT_PORT"
  cat > "$d/mosquitto.conf" <<CONF
# Generated by scripts/stack.sh. Local stack only: anonymous access on loopback.
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
# Running as root, Mosquitto would otherwise drop to the mosquitto user and fail on the pid file.
user root
pid_file $d/mosquitto.pid
log_dest file $d/mosquitto.log
log_type error
log_type warning
log_type notice
# A persistent session (the ingest bridge) must not lose QoS 1 messages while it is down or
# slow: the default of 1000 queued messages per client would drop the rest. Bounded by memory.
persistence true
persistence_location $d/data/
autosave_interval 30
max_queued_messages 5000000
max_queued_bytes 0
max_inflight_messages 1000
# Acknowledge at once: a publisher that paces itself on acknowledgements (replay's event-time
# spread) would otherwise wait out Nagle's algorithm against its delayed ACKs on every one.
set_tcp_nodelay true
CONF
  mosquitto -c "$d/mosquitto.conf" -d
  wait_for "mosquitto" 10 mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -t kilowatch/stack/ping -m up -q 1
  log "mosquitto up on 127.0.0.1:$MQTT_PORT"
}

# ---------------------------------------------------------------- Kafka
kafka_up() {
  local cp; cp=$(kafka_classpath)
  local voters="" n
  for n in $(seq 1 "$KAFKA_BROKERS"); do voters="$voters${voters:+,}$n@127.0.0.1:$(kafka_node_controller_port "$n")"; done
  # Every node of a cluster is formatted with the same cluster id, made once.
  local id_file=$STACK_DIR/kafka/cluster.id
  mkdir -p "$STACK_DIR/kafka"
  [ -s "$id_file" ] || java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1 > "$id_file"
  for n in $(seq 1 "$KAFKA_BROKERS"); do kafka_node_up "$n" "$cp" "$voters" "$(cat "$id_file")"; done
  # CreateTopics retries until the cluster answers: it is the readiness check as well.
  java -cp "$cp" "$ROOT/scripts/stack/CreateTopics.java" "$(kafka_bootstrap)" "$KAFKA_RF" \
    "kw.readings:$READINGS_PARTITIONS" kw.readings.dlq:1 kw.registry:1:compact \
    kw.tariffs:1:compact kw.alerts:2 kw.hints:2 kw.late:2 2>"$STACK_DIR/kafka/create-topics.log" | sed 's/^/[stack] /' >&2 \
    || { for n in $(seq 1 "$KAFKA_BROKERS"); do pid_alive "$(kafka_node_dir "$n")/kafka.pid" || tail -20 "$(kafka_node_dir "$n")/server.log" >&2; done
         die "kafka did not come up, see $STACK_DIR/kafka*/server.log and $STACK_DIR/kafka/create-topics.log"; }
  if [ "$KAFKA_BROKERS" = 1 ]; then
    log "kafka up on 127.0.0.1:$KAFKA_PORT"
  else
    log "kafka cluster of $KAFKA_BROKERS up: $(kafka_bootstrap) (replication factor $KAFKA_RF, min.insync.replicas $KAFKA_MIN_ISR)"
  fi
}

kafka_node_up() { # node, classpath, voters, cluster id
  local n=$1 cp=$2 voters=$3 cluster=$4
  local d; d=$(kafka_node_dir "$n"); mkdir -p "$d/logs"
  local port; port=$(kafka_node_port "$n")
  local cport; cport=$(kafka_node_controller_port "$n")
  if pid_alive "$d/kafka.pid"; then
    log "kafka node $n already running on $port"
    return
  fi
  require_free "kafka node $n" "$port" "$cport"
  cat > "$d/server.properties" <<CONF
# Generated by scripts/stack.sh: node $n of $KAFKA_BROKERS, broker and controller (KRaft).
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$d/logs
offsets.topic.replication.factor=$KAFKA_RF
transaction.state.log.replication.factor=$KAFKA_RF
transaction.state.log.min.isr=$KAFKA_MIN_ISR
share.coordinator.state.topic.replication.factor=$KAFKA_RF
share.coordinator.state.topic.min.isr=$KAFKA_MIN_ISR
default.replication.factor=$KAFKA_RF
min.insync.replicas=$KAFKA_MIN_ISR
group.initial.rebalance.delay.ms=0
# Topics are created explicitly below; a typo must not create a topic silently.
auto.create.topics.enable=false
# Retention goes by record time, and replays carry readings from years ago: keep everything
# locally, or a replay of 2013 data would be deleted as soon as it was written.
log.retention.ms=-1
CONF
  if [ ! -f "$d/logs/meta.properties" ]; then
    java -cp "$cp" kafka.tools.StorageTool format -t "$cluster" -c "$d/server.properties" >"$d/format.log" 2>&1 \
      || die "kafka storage format of node $n failed, see $d/format.log"
  fi
  nohup java -Xms256m -Xmx${KW_KAFKA_HEAP:-768m} -XX:+UseG1GC \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true \
    -cp "$cp" kafka.Kafka "$d/server.properties" >"$d/server.log" 2>&1 &
  echo $! > "$d/kafka.pid"
}

kafka_down() {
  local n
  for n in 3 2 1; do stop_pid "kafka node $n" "$(kafka_node_dir "$n")/kafka.pid"; done
}

# ---------------------------------------------------------------- InfluxDB
influx_up() {
  local d=$STACK_DIR/influxdb; mkdir -p "$d"
  if pid_alive "$d/influxd.pid"; then
    log "influxdb already running on $INFLUX_PORT"
  else
    require_free influxdb "$INFLUX_PORT" "$INFLUX_RPC_PORT"
    cat > "$d/influxdb.conf" <<CONF
# Generated by scripts/stack.sh
reporting-disabled = true
bind-address = "127.0.0.1:$INFLUX_RPC_PORT"
[meta]
  dir = "$d/meta"
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
  # Series cardinality is InfluxDB's limit here; tsi1 keeps the index on disk.
  index-version = "tsi1"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$INFLUX_PORT"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
CONF
    nohup influxd -config "$d/influxdb.conf" -pidfile "$d/influxd.pid" >"$d/influxd.log" 2>&1 &
  fi
  wait_for "influxdb" 30 curl -sf "http://127.0.0.1:$INFLUX_PORT/ping"
  curl -sf -XPOST "http://127.0.0.1:$INFLUX_PORT/query" --data-urlencode "q=CREATE DATABASE \"$INFLUX_DB\"" >/dev/null \
    || die "could not create database $INFLUX_DB"
  log "influxdb up on 127.0.0.1:$INFLUX_PORT (database $INFLUX_DB)"
}

# ---------------------------------------------------------------- commands
status_line() { # name pidfile check...
  local name=$1 pidf=$2; shift 2
  if pid_alive "$pidf"; then
    if "$@" >/dev/null 2>&1; then echo "$name: up (pid $(cat "$pidf"))"; else echo "$name: running but not answering (pid $(cat "$pidf"))"; fi
  else
    echo "$name: down"
  fi
}

cmd=${1:-}
shift || true
PARTS=("$@")
[ ${#PARTS[@]} -gt 0 ] || PARTS=(mqtt influx kafka)
for part in "${PARTS[@]}"; do
  case "$part" in mqtt|influx|kafka) ;; *) echo "unknown part '$part': mqtt, influx or kafka" >&2; exit 2 ;; esac
done
wants() { local p; for p in "${PARTS[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

case "$cmd" in
  up)
    install_packages
    mkdir -p "$STACK_DIR"
    if wants mqtt; then mqtt_up; fi
    if wants influx; then influx_up; fi
    if wants kafka; then kafka_up; fi
    log "stack up in $STACK_DIR"
    ;;
  down)
    if wants kafka; then kafka_down; fi
    if wants influx; then stop_pid influxdb "$STACK_DIR/influxdb/influxd.pid"; fi
    if wants mqtt; then stop_pid mosquitto "$STACK_DIR/mosquitto/mosquitto.pid"; fi
    ;;
  status)
    rc=0
    if wants mqtt; then
      status_line "mosquitto 127.0.0.1:$MQTT_PORT" "$STACK_DIR/mosquitto/mosquitto.pid" \
        mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -t kilowatch/stack/ping -m status || rc=1
    fi
    if wants kafka; then
      # Every node this folder has started (a cluster's nodes though KW_KAFKA_BROKERS is unset).
      for n in 1 2 3; do
        d=$(kafka_node_dir "$n")
        [ "$n" = 1 ] || [ -f "$d/server.properties" ] || continue
        port=$(kafka_node_port "$n")
        status_line "kafka $n   127.0.0.1:$port" "$d/kafka.pid" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" || rc=1
      done
    fi
    if wants influx; then
      status_line "influxdb  127.0.0.1:$INFLUX_PORT" "$STACK_DIR/influxdb/influxd.pid" \
        curl -sf "http://127.0.0.1:$INFLUX_PORT/ping" || rc=1
    fi
    exit $rc
    ;;
  *)
    echo "usage: scripts/stack.sh up|down|status [mqtt|influx|kafka ...]" >&2
    exit 2
    ;;
esac
