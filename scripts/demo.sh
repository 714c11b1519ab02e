#!/usr/bin/env bash
# The main job on a fresh machine: installs and builds what is missing, starts the stack, the
# ingest bridge, the load-curve job (with bills and hints) and the alert job, loads the sample
# tariff catalogue and the fleet's registry, runs the meter simulator with a scenario of
# anomalies and shows live progress; at the end, how the alerts scored against what was injected.
# Ctrl-C stops everything it started, the stack included.
#
#   scripts/demo.sh [--meters N] [--duration PT48H] [--speed 480] [--scenario FILE] [--once] [--keep-stack] [--keep-data] [--cluster]
#
#   --scenario    anomalies to inject (default scripts/demo/scenario.csv; "none" for none)
#   --once        stop by itself when the simulated readings are all in InfluxDB (scripted runs)
#   --keep-stack  leave Mosquitto, Kafka and InfluxDB running afterwards
#   --keep-data   start from the data of the last run instead of an empty stack
#   --cluster     run both jobs on a Flink session cluster (scripts/cluster.sh: a JobManager and
#                 two TaskManagers, web UI on 8081) at parallelism 2 instead of embedded
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/lib/toolchain.sh

METERS=1000 DURATION=PT48H SPEED=480 ONCE=0 KEEP_STACK=0 KEEP_DATA=0 CLUSTER=0 SCENARIO=scripts/demo/scenario.csv
while [ $# -gt 0 ]; do
  case "$1" in
    --meters) METERS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --speed) SPEED=$2; shift 2 ;;
    --once) ONCE=1; shift ;;
    --keep-stack) KEEP_STACK=1; shift ;;
    --keep-data) KEEP_DATA=1; shift ;;
    --cluster) CLUSTER=1; shift ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

export KW_STACK_DIR=${KW_STACK_DIR:-$ROOT/.stack}
MQTT_PORT=${KW_MQTT_PORT:-1883}
KAFKA_PORT=${KW_KAFKA_PORT:-9092}
INFLUX_PORT=${KW_INFLUX_PORT:-8086}
INFLUX_DB=${KW_INFLUX_DB:-kilowatch}
INGEST_HTTP_PORT=${KW_HTTP_PORT:-8091}
export KW_MQTT_URL=tcp://127.0.0.1:$MQTT_PORT
export KW_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
export KW_INFLUX_URL=http://127.0.0.1:$INFLUX_PORT
export KW_INFLUX_DATABASE=$INFLUX_DB
export KW_HTTP_PORT=$INGEST_HTTP_PORT
export KW_STATE_CHECKPOINT_DIR=file://$KW_STACK_DIR/checkpoints
RUN=$KW_STACK_DIR/demo
mkdir -p "$RUN"

say() { printf '\033[1m[demo]\033[0m %s\n' "$*"; }

# ---------------------------------------------------------------- install and build
ensure_java_and_maven
INGEST_JAR=ingest/target/kilowatch-ingest.jar
FLINK_JAR=flink-jobs/target/kilowatch-flink-jobs-standalone.jar
SIM_JAR=simulators/target/kilowatch-simulators.jar
PREVIEW_JAR=dashboards/target/kilowatch-preview.jar
needs_build() {
  for jar in "$INGEST_JAR" "$FLINK_JAR" "$SIM_JAR" "$PREVIEW_JAR"; do
    [ -f "$jar" ] || return 0
    [ -z "$(find model ingest flink-jobs simulators dashboards/src pom.xml -newer "$jar" \( -name '*.java' -o -name 'pom.xml' -o -name '*.xml' -o -name '*.js' -o -name '*.html' \) -not -path '*/target/*' -print -quit)" ] || return 0
  done
  return 1
}
if needs_build; then
  say "building (mvn package, tests skipped: scripts/test.sh runs them)"
  mvn -B -q -T1C --no-transfer-progress package -DskipTests
fi

# ---------------------------------------------------------------- start
PIDS=()
cleanup() {
  trap - INT TERM EXIT
  echo
  say "stopping"
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill "${PIDS[$i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$CLUSTER" = 1 ]; then scripts/cluster.sh down || true; fi
  if [ "$KEEP_STACK" = 1 ]; then say "stack left running (scripts/stack.sh down stops it)"; else scripts/stack.sh down; fi
  say "logs are in $RUN"
}
trap cleanup INT TERM EXIT

# The progress counts must be this run's: an earlier run's job would otherwise resume from its
# last checkpoint and replay its tail into InfluxDB (docs/decisions.md).
if [ "$KEEP_DATA" = 0 ]; then say "starting from an empty stack in $KW_STACK_DIR (--keep-data to resume)"; reset_stack_data; fi
scripts/stack.sh up
use_stack_credentials

# The fleet's grid and customers go into kw.registry before the job starts, so every meter
# counts at its transformer, feeder, region and class from the first interval.
say "loading the fleet's registry ($METERS customer meters and an area meter per transformer) into kw.registry"
java -Xmx256m -jar "$SIM_JAR" fleet --meters "$METERS" --registry "$RUN/registry.csv" --registry-only >"$RUN/registry.log" 2>&1
java -Xmx256m -cp "$INGEST_JAR" io.kilowatch.ingest.RegistryLoader "$RUN/registry.csv" >>"$RUN/registry.log" 2>&1 \
  || { tail -5 "$RUN/registry.log"; exit 1; }

# The tariff catalogue (the sample's, illustrative) into kw.tariffs: the load-curve job prices
# every customer's curve under its plan and every plan it may choose (docs/tariffs.md).
say "loading the sample tariff catalogue (illustrative prices) into kw.tariffs"
java -Xmx256m -cp "$INGEST_JAR" io.kilowatch.ingest.TariffLoader >>"$RUN/registry.log" 2>&1 \
  || { tail -5 "$RUN/registry.log"; exit 1; }

say "starting ingest (MQTT -> Kafka), log: $RUN/ingest.log"
java -Xmx512m -jar "$INGEST_JAR" >"$RUN/ingest.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$INGEST_HTTP_PORT/health/ready" >/dev/null && break
  kill -0 "${PIDS[0]}" 2>/dev/null || { tail -20 "$RUN/ingest.log"; exit 1; }
  sleep 0.2
done

# The simulator runs SPEED times faster than the wall clock over several MQTT connections, so a
# second's stall of one connection is SPEED seconds of event time behind the others. The job's
# out-of-orderness bound scales with it (2 min at least, 30 min for --speed 0, as fast as
# possible); at 480x an 8 min bound costs one second of wall-clock latency. A bound set by the
# operator (KW_TIME_OUT_OF_ORDERNESS) wins.
if [ -z "${KW_TIME_OUT_OF_ORDERNESS:-}" ]; then
  KW_TIME_OUT_OF_ORDERNESS=$(awk -v s="$SPEED" 'BEGIN { b = (s <= 0) ? 1800 : int(s); if (b < 120) b = 120; printf "%ds", b }')
  export KW_TIME_OUT_OF_ORDERNESS
fi
if [ "$CLUSTER" = 1 ]; then
  # On the cluster a job's settings are one file per submission (its JVMs do not inherit this
  # shell's environment): the demo's, as the embedded jobs would read them from KW_*.
  # It holds the InfluxDB password: readable by this user alone.
  JOB_CONFIG=$RUN/job.properties
  ( umask 077; cat > "$JOB_CONFIG" <<CONF
kafka.bootstrap-servers=$KW_KAFKA_BOOTSTRAP_SERVERS
influx.url=$KW_INFLUX_URL
influx.database=$KW_INFLUX_DATABASE
influx.username=$KW_INFLUX_USERNAME
influx.password=$KW_INFLUX_PASSWORD
state.checkpoint-dir=$KW_STATE_CHECKPOINT_DIR
time.out-of-orderness=$KW_TIME_OUT_OF_ORDERNESS
CONF
  )
  say "starting a Flink session cluster (1 jobmanager, 2 taskmanagers), web UI http://127.0.0.1:${KW_FLINK_REST_PORT:-8081}, logs: $KW_STACK_DIR/flink/log"
  scripts/cluster.sh up
  say "submitting the load-curve job with bills and hints (parallelism 2; watermark bound $KW_TIME_OUT_OF_ORDERNESS)"
  scripts/cluster.sh submit curves --parallelism 2 --config "$JOB_CONFIG" >"$RUN/flink.log"
  say "submitting the alert job (parallelism 2, its own consumer group)"
  scripts/cluster.sh submit alerts --parallelism 2 --config "$JOB_CONFIG" >"$RUN/alerts.log"
else
  say "starting the load-curve job with bills and hints (Flink, embedded; watermark bound $KW_TIME_OUT_OF_ORDERNESS), log: $RUN/flink.log"
  java -Xmx1g -jar "$FLINK_JAR" >"$RUN/flink.log" 2>&1 &
  PIDS+=($!)
  say "starting the alert job (Flink, embedded, its own consumer group), log: $RUN/alerts.log"
  java -Xmx768m -cp "$FLINK_JAR" io.kilowatch.flink.AlertJob >"$RUN/alerts.log" 2>&1 &
  PIDS+=($!)
fi
PREVIEW_PORT=${KW_PREVIEW_PORT:-3001}
say "starting the dashboards' preview page (no Grafana needed), log: $RUN/preview.log"
# As the read-only account: the page can show everything and change nothing.
KW_INFLUX_USERNAME=kw-viewer KW_INFLUX_PASSWORD=$KW_INFLUX_VIEWER_PASSWORD \
  KW_PREVIEW_PORT=$PREVIEW_PORT KW_DASHBOARDS_DIR=dashboards/grafana java -Xmx128m -jar "$PREVIEW_JAR" >"$RUN/preview.log" 2>&1 &
PIDS+=($!)

# The single number an InfluxQL aggregate returns (empty when there is none yet).
influx_number() {
  curl -sf -K "$KW_STACK_DIR/influxdb/viewer.curlrc" -G "http://127.0.0.1:$INFLUX_PORT/query" --data-urlencode "db=$INFLUX_DB" --data-urlencode "q=$1" \
    | sed -n 's/.*"values":\[\["[^"]*",\([0-9]*\)\]\].*/\1/p'
}
influx_points() { influx_number "SELECT sum(readings) FROM load WHERE level='class' AND interval='15m' AND time > now() - 400d"; }
influx_alerts() { influx_number "SELECT count(alert_id) FROM alerts WHERE state='OPEN' AND time > now() - 400d"; }
influx_hints() { influx_number "SELECT count(saving_fen) FROM tariff_hints WHERE time > now() - 400d"; }
# The hints so far, by kind, and the largest savings they offer (one line each).
hints_summary() { java -Xmx128m -jar "$SIM_JAR" hints --top 5 2>/dev/null | sed 's/^/[demo] /'; }
ingest_metric() {
  curl -sf "http://127.0.0.1:$INGEST_HTTP_PORT/metrics" | awk -v m="$1" '$1 ~ "^"m {s+=$2} END {printf "%d", s}'
}
TICKS=0
progress() {
  printf '[demo] in Kafka: %s readings · dead-lettered: %s · counted in InfluxDB 15-min points: %s readings · alerts opened: %s · hints sent: %s\n' \
    "$(ingest_metric kilowatch_ingest_readings_forwarded_total)" "$(ingest_metric kilowatch_ingest_dead_lettered_total)" \
    "$(influx_points || echo 0)" "$(influx_alerts || echo 0)" "$(influx_hints || echo 0)"
  TICKS=$((TICKS + 1))
  # every 30 s, once there are hints: the five largest savings they offer
  if [ $((TICKS % 6)) = 0 ] && [ "$(influx_hints || echo 0)" != 0 ] && [ -n "$(influx_hints)" ]; then hints_summary; fi
}

cat <<EOT

  Where to look while it runs
    dashboards       http://127.0.0.1:$PREVIEW_PORT/   (the Grafana dashboards of dashboards/grafana, drawn live)
    ingest metrics   http://127.0.0.1:$INGEST_HTTP_PORT/metrics
    InfluxDB         curl -K $KW_STACK_DIR/influxdb/viewer.curlrc -G http://127.0.0.1:$INFLUX_PORT/query --data-urlencode db=$INFLUX_DB \\
                       --data-urlencode "q=SELECT * FROM load WHERE interval='15m' ORDER BY time DESC LIMIT 5"
    bills            curl -K $KW_STACK_DIR/influxdb/viewer.curlrc -G http://127.0.0.1:$INFLUX_PORT/query --data-urlencode db=$INFLUX_DB \
                       --data-urlencode "q=SELECT last(total), last(projected) FROM bills GROUP BY customer, plan LIMIT 5"
    hints            java -jar $SIM_JAR hints   (kw.hints; each also on MQTT customers/{id}/hints)
    logs             $RUN/{ingest,flink,simulator}.log

EOT
say "simulating $METERS meters for $DURATION at ${SPEED}x"
SCENARIO_ARGS=()
if [ "$SCENARIO" != none ]; then
  SCENARIO_ARGS=(--scenario "$SCENARIO" --ground-truth "$RUN/ground-truth.csv")
  say "injecting the anomalies of $SCENARIO (ground truth: $RUN/ground-truth.csv)"
fi
# The simulated days, from midnight UTC (08:00 in the fleet's +08:00): two working days (Monday
# to Friday) of one month, ending before today. The first is how the alert rules learn each
# meter's usual, the scenario's anomalies are on the second; factories idle on a weekend, and a
# month's first or last day leaves its bills and hints one day to go on.
DAY2=$(date -u -d yesterday +%F)
while [ "$(date -u -d "$DAY2" +%u)" -gt 5 ] || [ "$(date -u -d "$DAY2" +%u)" = 1 ] || [ "$(date -u -d "$DAY2" +%d)" = 01 ] \
      || [ "$(date -u -d "$DAY2" +%d)" = 02 ] || [ "$(date -u -d "$DAY2 + 1 day" +%d)" = 01 ]; do
  DAY2=$(date -u -d "$DAY2 - 1 day" +%F)
done
START_DAY=$(date -u -d "$DAY2 - 1 day" +%F)
java -Xmx512m -jar "$SIM_JAR" fleet --meters "$METERS" --duration "$DURATION" --speed "$SPEED" --start "${START_DAY}T00:00:00Z" \
  "${SCENARIO_ARGS[@]}" --progress 5s >"$RUN/simulator.log" 2>&1 &
SIM=$!
PIDS+=($SIM)
while kill -0 "$SIM" 2>/dev/null; do
  sleep 5
  tail -1 "$RUN/simulator.log" | sed 's/^/[demo] /'
  progress
done
wait "$SIM" || { say "the simulator failed, see $RUN/simulator.log"; exit 1; }
tail -1 "$RUN/simulator.log" | sed 's/^/[demo] /'

# Event time: a window closes when later readings pass it. The last minutes of the simulated
# day stay open until more data comes (docs/decisions.md); everything before is in InfluxDB.
PUBLISHED=$(sed -n 's/^fleet: done, published \([0-9]*\) readings.*/\1/p' "$RUN/simulator.log")
say "simulation finished: $PUBLISHED readings published; the pipeline keeps running (Ctrl-C stops everything)"
# Wait for the bridge to drain the broker's queue, then for the points to settle.
until [ "$(ingest_metric kilowatch_ingest_readings_forwarded_total)" -ge "${PUBLISHED:-0}" ]; do sleep 5; progress; done
last=-1
while true; do
  sleep 5
  progress
  now=$(influx_points || echo 0)
  if [ "$ONCE" = 1 ] && [ "$now" = "$last" ]; then
    say "done: $PUBLISHED published, $(ingest_metric kilowatch_ingest_readings_forwarded_total) in Kafka, $now in closed 15-min points (the last window stays open: docs/decisions.md)"
    say "tariff hints (prices of the sample catalogue are illustrative):"
    hints_summary
    if [ "$SCENARIO" != none ]; then
      say "alerts and hints against what was injected (simulator score):"
      java -Xmx256m -jar "$SIM_JAR" score --kafka "$KW_KAFKA_BOOTSTRAP_SERVERS" --ground-truth "$RUN/ground-truth.csv" \
        --registry "$RUN/registry.csv" --out "$RUN/score" 2>&1 | tee "$RUN/score.log" | sed 's/^/[demo] /'
    fi
    exit 0
  fi
  last=$now
done
