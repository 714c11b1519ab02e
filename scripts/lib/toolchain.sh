# Sourced by the scripts: installs what a fresh machine of this kind may lack (Debian packages
# as root, Maven Central for the rest), and nothing that is already there.

kw_apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "[setup] installing $* (Debian packages)" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

ensure_java_and_maven() {
  local missing=()
  if ! command -v java >/dev/null || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
    missing+=(openjdk-17-jdk-headless)
  fi
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  [ ${#missing[@]} -eq 0 ] || kw_apt_install "${missing[@]}"
}

# Stops the stack in $KW_STACK_DIR and deletes its data (keeps the resolved Kafka classpath):
# the next `stack.sh up` starts empty. Used for runs whose counts must be their own.
reset_stack_data() {
  "$ROOT/scripts/stack.sh" down >/dev/null 2>&1 || true
  rm -rf "$KW_STACK_DIR/mosquitto" "$KW_STACK_DIR/influxdb" "$KW_STACK_DIR"/kafka/logs "$KW_STACK_DIR"/kafka2/logs "$KW_STACK_DIR"/kafka3/logs
}

# Points every KW_* stack variable at a private stack: folder .stack-NAME, ports moved by OFFSET
# (MQTT 1883+OFFSET, Kafka 9092+OFFSET, …), so tests and benchmarks run beside a demo.
# KW_<NAME>_* variables (e.g. KW_TEST_MQTT_PORT) override single values.
isolated_stack() {
  local name=$1 offset=$2 upper
  upper=$(echo "$name" | tr '[:lower:]' '[:upper:]')
  local dir_override="KW_${upper}_STACK_DIR"
  export KW_STACK_DIR=${!dir_override:-$ROOT/.stack-$name}
  local p
  p="KW_${upper}_MQTT_PORT";             export KW_MQTT_PORT=${!p:-$((1883 + offset))}
  p="KW_${upper}_MQTT_TLS_PORT";         export KW_MQTT_TLS_PORT=${!p:-$((8883 + offset))}
  p="KW_${upper}_KAFKA_PORT";            export KW_KAFKA_PORT=${!p:-$((9092 + offset))}
  p="KW_${upper}_KAFKA_CONTROLLER_PORT"; export KW_KAFKA_CONTROLLER_PORT=${!p:-$((9093 + offset))}
  p="KW_${upper}_INFLUX_PORT";           export KW_INFLUX_PORT=${!p:-$((8086 + offset))}
  p="KW_${upper}_INFLUX_RPC_PORT";       export KW_INFLUX_RPC_PORT=${!p:-$((8088 + offset))}
  p="KW_${upper}_FLINK_REST_PORT";       export KW_FLINK_REST_PORT=${!p:-$((8081 + offset))}
  p="KW_${upper}_FLINK_RPC_PORT";        export KW_FLINK_RPC_PORT=${!p:-$((6123 + offset))}
}

# The stack's credentials (made by `stack.sh up`, docs/security.md) into this shell: the ingest
# service's MQTT login as KW_MQTT_USERNAME/PASSWORD, the simulator's as KW_MQTT_FLEET_PASSWORD,
# the device key and access folder for the registry's accounts, and the InfluxDB login every
# service writes with as KW_INFLUX_USERNAME/PASSWORD: kw-service, or kw-admin with `admin`
# (tests and benchmarks make and drop databases of their own). Call after `stack.sh up`.
use_stack_credentials() {
  # shellcheck disable=SC1091
  source "${KW_STACK_DIR:-.stack}/secrets.env"
  export KW_MQTT_USERNAME=kw-ingest KW_MQTT_PASSWORD=$KW_MQTT_INGEST_PASSWORD
  if [ "${1:-}" = admin ]; then
    export KW_INFLUX_USERNAME=kw-admin KW_INFLUX_PASSWORD=$KW_INFLUX_ADMIN_PASSWORD
  else
    export KW_INFLUX_USERNAME=kw-service KW_INFLUX_PASSWORD=$KW_INFLUX_SERVICE_PASSWORD
  fi
}
