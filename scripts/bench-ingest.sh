#!/usr/bin/env bash
# Ingest benchmark (issue #3): raw Mosquitto pub->sub rate vs the bridge's sustained MQTT->Kafka
# rate, single readings and concentrator batches, measured in one run on a fresh local stack.
#
#   scripts/bench-ingest.sh [--readings N] [--batch-size 500] [--connections 4]
#
# Uses its own stack folder and ports (like scripts/test.sh), so a demo is left alone.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/lib/toolchain.sh
ensure_java_and_maven

isolated_stack bench 20000  # MQTT 21883, Kafka 29092, InfluxDB 28086, folder .stack-bench
export KW_MQTT_URL=tcp://127.0.0.1:$KW_MQTT_PORT
export KW_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KW_KAFKA_PORT
export KW_HTTP_PORT=${KW_BENCH_HTTP_PORT:-28091}
export KW_MQTT_CLIENT_ID=kilowatch-ingest-bench

[ -f ingest/target/kilowatch-ingest.jar ] && [ -f simulators/target/kilowatch-simulators.jar ] \
  || mvn -B -q -T1C --no-transfer-progress package -DskipTests
reset_stack_data
BRIDGE=
cleanup() { rc=$?; if [ -n "$BRIDGE" ]; then kill "$BRIDGE" 2>/dev/null; wait "$BRIDGE" 2>/dev/null || true; fi; scripts/stack.sh down; exit $rc; }
trap cleanup EXIT
scripts/stack.sh up
use_stack_credentials admin
java -Xmx1g -jar ingest/target/kilowatch-ingest.jar >"$KW_STACK_DIR/bench-ingest-bridge.log" 2>&1 &
BRIDGE=$!
until curl -sf "http://127.0.0.1:$KW_HTTP_PORT/health/ready" >/dev/null; do
  kill -0 "$BRIDGE" 2>/dev/null || { tail -20 "$KW_STACK_DIR/bench-ingest-bridge.log"; exit 1; }
  sleep 0.2
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
java -Xmx2g -jar simulators/target/kilowatch-simulators.jar bench-ingest \
  --bridge-metrics "http://127.0.0.1:$KW_HTTP_PORT/metrics" "$@"
