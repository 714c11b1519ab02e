#!/usr/bin/env bash
# End-to-end load test (issue #5): starts a stack of its own (MQTT 31883, Kafka 39092, InfluxDB
# 38086, folder .stack-loadtest), the ingest bridge, the load-curve job and the alert job
# (--alerts separate: its own JVM, the default; with-curves: inside the load-curve job, one Kafka
# read for both; none), then drives them with
# `simulators loadtest` and leaves the report (report.md, seconds.csv, minutes.csv, plot.png,
# components.csv) in --out (default .stack-loadtest/report). After the run it measures the raw
# components on the same stack: the broker, a Kafka producer and InfluxDB /write (the simulator),
# and the Flink pass-through over the run's kw.readings (here).
#
#   scripts/loadtest.sh [--rate 20000] [--hold 2m] [--mode per-meter|concentrator] [--batch-size 500]
#                       [--alerts separate|with-curves|none] [...]
#
# Every option but --alerts and --out is passed to `java -jar simulators/target/kilowatch-simulators.jar loadtest`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/lib/toolchain.sh
ensure_java_and_maven

isolated_stack loadtest 30000
export KW_MQTT_URL=tcp://127.0.0.1:$KW_MQTT_PORT
export KW_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KW_KAFKA_PORT
export KW_INFLUX_URL=http://127.0.0.1:$KW_INFLUX_PORT
export KW_INFLUX_DATABASE=kilowatch
export KW_HTTP_PORT=${KW_LOADTEST_HTTP_PORT:-38091}
# Readings carry their publish time: a short watermark bound, and no per-meter 1-minute curves.
export KW_TIME_OUT_OF_ORDERNESS=5s
export KW_CURVES_METER_1M_CLASSES=none
export KW_STATE_CHECKPOINT_DIR=file://$KW_STACK_DIR/checkpoints

ALERTS=separate
for ((i=1; i<=$#; i++)); do [ "${!i}" = --alerts ] && { j=$((i+1)); ALERTS=${!j}; }; done
case "$ALERTS" in separate|with-curves|none) ;; *) echo "--alerts must be separate, with-curves or none" >&2; exit 2 ;; esac
[ "$ALERTS" = with-curves ] && export KW_ALERTS_WITH_LOAD_CURVES=true

for jar in ingest/target/kilowatch-ingest.jar flink-jobs/target/kilowatch-flink-jobs-standalone.jar simulators/target/kilowatch-simulators.jar; do
  [ -f "$jar" ] || { mvn -B -q -T1C --no-transfer-progress package -DskipTests; break; }
done
reset_stack_data
PIDS=()
cleanup() { rc=$?; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; scripts/stack.sh down; exit $rc; }
trap cleanup EXIT
scripts/stack.sh up
use_stack_credentials admin
LOGS=$KW_STACK_DIR/logs
mkdir -p "$LOGS"
java -Xmx1g -jar ingest/target/kilowatch-ingest.jar >"$LOGS/ingest.log" 2>&1 &
PIDS+=($!)
until curl -sf "http://127.0.0.1:$KW_HTTP_PORT/health/ready" >/dev/null; do sleep 0.2; done
java -Xmx3g -jar flink-jobs/target/kilowatch-flink-jobs-standalone.jar >"$LOGS/flink.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do
  grep -q "meter intervals.*switched from INITIALIZING to RUNNING" "$LOGS/flink.log" 2>/dev/null && break
  sleep 0.5
done
if [ "$ALERTS" = separate ]; then
  # The alert job shares the cores: the run's figures are for the whole service. Its probes (one
  # meter in --alert-probe-every sets its register back once) give the publish -> alert latency.
  java -Xmx1g -cp flink-jobs/target/kilowatch-flink-jobs-standalone.jar io.kilowatch.flink.AlertJob >"$LOGS/alerts.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    grep -q "meter alert rules.*switched from INITIALIZING to RUNNING" "$LOGS/alerts.log" 2>/dev/null && break
    sleep 0.5
  done
fi
echo "alert rules: $ALERTS"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
REPORT=$KW_STACK_DIR/report
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) REPORT=$2; shift 2 ;;
    --alerts) shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
rc=0
java -Xmx2g -jar simulators/target/kilowatch-simulators.jar loadtest --close-delay 5s --out "$REPORT" "${ARGS[@]}" || rc=$?
[ -f "$REPORT/report.md" ] || exit "$rc"

# The fourth raw component: Flink alone (decode and slim, like the job) over the run's kw.readings.
echo "measuring the Flink pass-through over the run's kw.readings ..."
PASS=$(KW_KAFKA_TOPIC_READINGS=kw.readings java -Xmx3g -cp flink-jobs/target/kilowatch-flink-jobs-standalone.jar \
  io.kilowatch.flink.bench.PassThrough 2>"$LOGS/pass-through.log" | sed -n 's/^pass-through: \([0-9]*\) readings in .* = \([0-9]*\) readings\/s$/\1 \2/p')
if [ -n "$PASS" ]; then
  read -r n r <<<"$PASS"
  if [ ! -f "$REPORT/components.csv" ]; then
    printf '\n## Raw components, same stack, right after the run\n| component | what | units | per second |\n| --- | --- | ---: | ---: |\n' >>"$REPORT/report.md"
    echo "component,what,units,per_second" >"$REPORT/components.csv"
  fi
  grouped() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
  printf '| Flink pass-through | kw.readings of this run: decode, slim, discard (parallelism 2) | %s | %s |\n' \
    "$(grouped "$n")" "$(grouped "$r")" >>"$REPORT/report.md"
  echo "Flink pass-through,\"kw.readings of this run: decode, slim, discard (parallelism 2)\",$n,$r" >>"$REPORT/components.csv"
  echo "Flink pass-through: $n readings at $r readings/s"
else
  echo "the Flink pass-through did not report a rate; see $LOGS/pass-through.log"
fi
exit "$rc"
