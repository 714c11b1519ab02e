#!/usr/bin/env bash
# Starts, stops and reports the local Kilowatch stack: Mosquitto, KRaft Kafka (one node, or a
# cluster of three) and InfluxDB 1.x, all on loopback, all data under one folder. Idempotent:
# `up` leaves running parts alone, `down` stops only what this folder's pid files name.
#
#   scripts/stack.sh up|down|status [mqtt|influx|kafka ...]   (default: all three)
#
# Environment (defaults in brackets):
#   KW_STACK_DIR [<repo>/.stack]    where data, logs and pid files live
#   KW_MQTT_PORT [1883]  KW_MQTT_TLS_PORT [KW_MQTT_PORT + 7000: 8883]  KW_KAFKA_PORT [9092]  KW_KAFKA_CONTROLLER_PORT [9093]
#   KW_INFLUX_PORT [8086]  KW_INFLUX_RPC_PORT [8088]  KW_INFLUX_DB [kilowatch]
#   KW_READINGS_PARTITIONS [4]
#   KW_KAFKA_BROKERS [1]   3: three KRaft nodes (each broker and controller), replication
#                          factor 3, min.insync.replicas 2; node n listens on KW_KAFKA_PORT + 2(n-1)
#                          and KW_KAFKA_CONTROLLER_PORT + 2(n-1) (9092/9093, 9094/9095, 9096/9097),
#                          data in kafka/, kafka2/, kafka3/. Clients work unchanged (any node
#                          bootstraps them); list every node to survive the first one's loss.
# A test run and a running demo use different ports and folders (scripts/test.sh does).
#
# Security is on (docs/security.md): Mosquitto wants a login on both listeners (plain on
# KW_MQTT_PORT, TLS on KW_MQTT_TLS_PORT with a certificate from the stack's own CA in tls/) and
# checks an ACL; InfluxDB wants a login. The passwords are made once per folder in secrets.env
# (mode 600); `source scripts/lib/toolchain.sh; use_stack_credentials` puts them in a shell.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_DIR=${KW_STACK_DIR:-$ROOT/.stack}
MQTT_PORT=${KW_MQTT_PORT:-1883}
MQTT_TLS_PORT=${KW_MQTT_TLS_PORT:-$((MQTT_PORT + 7000))}
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
  command -v openssl >/dev/null || missing+=(openssl)
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
  maven_classpath "the Kafka 4.4.0 broker" "$ROOT/scripts/stack/kafka-server-pom.xml" "$STACK_DIR/kafka/classpath.txt"
}

# ---------------------------------------------------------------- process helpers
source "$ROOT/scripts/lib/processes.sh"

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

# ---------------------------------------------------------------- Mosquitto
# Access control is always on (docs/security.md): no anonymous client, an account per service,
# and accounts and ACLs for every meter, concentrator and customer that the ingest service
# derives from the registry into access/passwd and access/acl and reloads with SIGHUP. The
# service accounts' passwords and the device key live in secrets.env (mode 600), made once per
# stack folder; KW_MQTT_*_PASSWORD and KW_MQTT_ACCESS_DEVICE_KEY set beforehand are used instead.
SECRETS=$STACK_DIR/secrets.env
random_secret() { head -c 32 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | head -c 32; }

make_secrets() {
  [ -s "$SECRETS" ] && return 0
  mkdir -p "$STACK_DIR"
  ( umask 077
    cat > "$SECRETS" <<ENV
# Generated by scripts/stack.sh: this stack's credentials. Never commit, never log.
export KW_MQTT_INGEST_PASSWORD=${KW_MQTT_INGEST_PASSWORD:-$(random_secret)}
export KW_MQTT_FLEET_PASSWORD=${KW_MQTT_FLEET_PASSWORD:-$(random_secret)}
export KW_MQTT_OPS_PASSWORD=${KW_MQTT_OPS_PASSWORD:-$(random_secret)}
export KW_MQTT_ACCESS_DEVICE_KEY=${KW_MQTT_ACCESS_DEVICE_KEY:-$(random_secret)}
export KW_MQTT_TLS_TRUSTSTORE_PASSWORD=${KW_MQTT_TLS_TRUSTSTORE_PASSWORD:-$(random_secret)}
export KW_INFLUX_ADMIN_PASSWORD=${KW_INFLUX_ADMIN_PASSWORD:-$(random_secret)}
export KW_INFLUX_SERVICE_PASSWORD=${KW_INFLUX_SERVICE_PASSWORD:-$(random_secret)}
export KW_INFLUX_VIEWER_PASSWORD=${KW_INFLUX_VIEWER_PASSWORD:-$(random_secret)}
export KW_MQTT_ACCESS_DIR=$STACK_DIR/mosquitto/access
export KW_MQTT_ACCESS_RELOAD_COMMAND='kill -HUP \$(cat $STACK_DIR/mosquitto/mosquitto.pid)'
ENV
  )
}

# One line of Mosquitto's password file ($6$: base64 salt, base64 SHA-512 of password then salt),
# computed in the shell so the password is never a process argument.
passwd_line() { # user password
  local salt hash
  salt=$(head -c 12 /dev/urandom | base64 -w0)
  hash=$( { printf '%s' "$2"; printf '%s' "$salt" | base64 -d; } | openssl dgst -sha512 -binary | base64 -w0)
  printf '%s:$6$%s$%s\n' "$1" "$salt" "$hash"
}

mqtt_access_files() {
  local a=$STACK_DIR/mosquitto/access; mkdir -p "$a"; chmod 700 "$a"
  # shellcheck disable=SC1090
  source "$SECRETS"
  ( umask 077
    { passwd_line kw-ingest "$KW_MQTT_INGEST_PASSWORD"
      passwd_line kw-fleet "$KW_MQTT_FLEET_PASSWORD"
      passwd_line kw-ops "$KW_MQTT_OPS_PASSWORD"; } > "$a/static.passwd"
    cat > "$a/static.acl" <<ACL
# The service accounts (scripts/stack.sh); the registry's accounts follow (ingest writes them).
user kw-ingest
topic read meters/+/reading
topic read concentrators/+/batch
topic write customers/#
# A head-end system publishing for a whole fleet: the simulator.
user kw-fleet
topic write meters/#
topic write concentrators/#
topic readwrite bench/#
# Operations: the readiness probe, and watching what reaches customers (support desk).
user kw-ops
topic readwrite kilowatch/stack/#
topic read customers/#
ACL
    # The registry's accounts of an earlier run stay until ingest rewrites them.
    { cat "$a/static.passwd"; [ -f "$a/passwd" ] && grep -E '^(meter|concentrator|customer)/' "$a/passwd"; } > "$a/passwd.new" || true
    { cat "$a/static.acl"; [ -f "$a/acl" ] && awk '/^user /{keep = ($2 ~ /^(meter|concentrator|customer)\//)} keep' "$a/acl"; } > "$a/acl.new" || true
    mv "$a/passwd.new" "$a/passwd"; mv "$a/acl.new" "$a/acl"
  )
}

# The stack's own CA and a server certificate for 127.0.0.1 (made once per folder), and a PKCS12
# trust store holding the CA for Java clients (ingest: mqtt.tls.truststore; simulator:
# --mqtt-truststore). Its password comes from the environment, never from the command line.
tls_files() {
  local t=$STACK_DIR/tls; mkdir -p "$t"
  [ -s "$t/truststore.p12" ] && return 0
  ( umask 077; cd "$t"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 825 \
      -subj "/CN=Kilowatch local stack CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 825 \
      -extfile server.ext 2>/dev/null
    rm -f server.csr server.ext
    keytool -importcert -noprompt -alias kilowatch-stack-ca -file ca.pem -keystore truststore.p12 \
      -storetype PKCS12 -storepass:env KW_MQTT_TLS_TRUSTSTORE_PASSWORD >/dev/null 2>&1 )
  [ -s "$t/truststore.p12" ] || die "could not make the stack's TLS files in $t (openssl, keytool)"
}

mqtt_ping() { # a QoS 1 publish as the operations account: up, and letting a client in
  mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -u kw-ops -P "$KW_MQTT_OPS_PASSWORD" -t kilowatch/stack/ping -m "$1" -q 1
}

mqtt_up() {
  local d=$STACK_DIR/mosquitto; mkdir -p "$d/data"
  make_secrets
  if pid_alive "$d/mosquitto.pid"; then log "mosquitto already running on $MQTT_PORT"; return; fi
  require_free mosquitto "$MQTT_PORT" "$MQTT_TLS_PORT"
  mqtt_access_files
  tls_files
  cat > "$d/mosquitto.conf" <<CONF
# Generated by scripts/stack.sh. Every client logs in; what it may touch is in access/acl.
listener $MQTT_PORT 127.0.0.1
# TLS for devices: a certificate of the stack's CA (tls/ca.pem); the same logins and ACL.
listener $MQTT_TLS_PORT 127.0.0.1
cafile $STACK_DIR/tls/ca.pem
certfile $STACK_DIR/tls/server.pem
keyfile $STACK_DIR/tls/server.key
tls_version tlsv1.2
allow_anonymous false
password_file $d/access/passwd
acl_file $d/access/acl
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
  # 60 s, not 10: a restart loads the persistence file first, with every message queued for the
  # sessions that outlive their clients (a stopped bridge's); in CI that took 16-23 s.
  wait_for "mosquitto" 60 mqtt_ping up
  log "mosquitto up on 127.0.0.1:$MQTT_PORT and TLS :$MQTT_TLS_PORT (logins required; credentials in $SECRETS)"
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
  make_secrets
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
  # Logins required (kw-admin, kw-service, kw-viewer: influx_accounts below).
  auth-enabled = true
  # Off: a request log would hold every query, CREATE USER's password included.
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
CONF
    nohup influxd -config "$d/influxdb.conf" -pidfile "$d/influxd.pid" >"$d/influxd.log" 2>&1 &
  fi
  wait_for "influxdb" 30 curl -sf "http://127.0.0.1:$INFLUX_PORT/ping"
  influx_accounts
  influx_admin "CREATE DATABASE \"$INFLUX_DB\"" || die "could not create database $INFLUX_DB"
  influx_admin "GRANT ALL ON \"$INFLUX_DB\" TO \"kw-service\"" && influx_admin "GRANT READ ON \"$INFLUX_DB\" TO \"kw-viewer\"" \
    || die "could not grant the accounts their rights on $INFLUX_DB"
  log "influxdb up on 127.0.0.1:$INFLUX_PORT (database $INFLUX_DB; logins required)"
}

# An InfluxQL statement as the administrator: the statement (with any password) goes through
# stdin and the login through a curl config file, so neither is a process argument.
influx_admin() {
  printf '%s' "$1" | curl -sf -K "$STACK_DIR/influxdb/admin.curlrc" -XPOST "http://127.0.0.1:$INFLUX_PORT/query" \
    --data-urlencode q@- | grep -qv '"error"'
}

# kw-admin (everything: the stack's set-up, tests' scratch databases), kw-service (read and
# write the database: jobs, ingest, simulator), kw-viewer (read: dashboards). The first
# administrator may be made without a login, which InfluxDB allows while it has no user.
influx_accounts() {
  # shellcheck disable=SC1090
  source "$SECRETS"
  local d=$STACK_DIR/influxdb u
  ( umask 077
    for u in admin:$KW_INFLUX_ADMIN_PASSWORD viewer:$KW_INFLUX_VIEWER_PASSWORD service:$KW_INFLUX_SERVICE_PASSWORD; do
      printf 'user = "kw-%s"\n' "$u" > "$d/${u%%:*}.curlrc"
    done )
  if ! influx_admin "SHOW USERS"; then
    printf "CREATE USER \"kw-admin\" WITH PASSWORD '%s' WITH ALL PRIVILEGES" "$KW_INFLUX_ADMIN_PASSWORD" \
      | curl -sf -XPOST "http://127.0.0.1:$INFLUX_PORT/query" --data-urlencode q@- >/dev/null \
      || die "could not create InfluxDB's administrator (a database made without this stack's secrets.env?)"
  fi
  for u in service:$KW_INFLUX_SERVICE_PASSWORD viewer:$KW_INFLUX_VIEWER_PASSWORD; do
    influx_admin "CREATE USER \"kw-${u%%:*}\" WITH PASSWORD '${u#*:}'" || true
    influx_admin "SET PASSWORD FOR \"kw-${u%%:*}\" = '${u#*:}'" || die "could not set kw-${u%%:*}'s password"
  done
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
      # shellcheck disable=SC1090
      [ -s "$SECRETS" ] && source "$SECRETS"
      status_line "mosquitto 127.0.0.1:$MQTT_PORT" "$STACK_DIR/mosquitto/mosquitto.pid" mqtt_ping status || rc=1
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
