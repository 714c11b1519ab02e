#!/usr/bin/env bash
# Load-curve benchmark (issue #4): pre-fills a readings topic (default 5,000,000 readings:
# 10,000 meters x 500, one a minute) and measures, in one run, a pass-through job and the full
# load-curve job (all levels, writing to InfluxDB) over it; reports readings/s, their ratio,
# state bytes per meter and the reconciliation of counts.
#
#   scripts/bench-load-curves.sh [--meters N] [--readings-per-meter N] [--period-seconds S] [--parallelism P] [--tariffs ab|ba|on|off] [--pairs N] [--warmup N]
#
# --tariffs ab (default): after --warmup runs (default 2, not counted: the first runs in a JVM
# compile the code), --pairs (default 2) A/B pairs of the load-curve job without and with its
# tariff stage (issue #11), alternating which goes first; ba starts with the tariff stage. Each
# run writes into an empty InfluxDB database of its own and starts settled: the heap collected,
# InfluxDB and Kafka idle (what InfluxDB does after a run ends is counted with that run). The
# readings end at the last UTC midnight, so every run covers the same hours of the day. Each pair
# is also given at one machine speed (its ratio times the CPU a reading of the tasks both arms
# share, with the stage over without): on shared cores that is the figure to judge by.
#
# KW_BENCH_JAVA_OPTS adds JVM options (e.g. -XX:StartFlightRecording=filename=bench.jfr to profile).
# Uses its own stack folder and ports (like scripts/test.sh), so a demo is left alone.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/lib/toolchain.sh
ensure_java_and_maven

isolated_stack bench 20000  # MQTT 21883, Kafka 29092, InfluxDB 28086, folder .stack-bench
export KW_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KW_KAFKA_PORT
export KW_INFLUX_URL=http://127.0.0.1:$KW_INFLUX_PORT

[ -f flink-jobs/target/kilowatch-flink-jobs-standalone.jar ] || mvn -B -q -T1C --no-transfer-progress package -DskipTests
reset_stack_data
trap 'scripts/stack.sh down' EXIT
scripts/stack.sh up
use_stack_credentials admin
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1)"
# A fixed heap, as a Flink TaskManager has (its start-up sets -Xms to -Xmx): with -Xmx alone, the
# collection between runs shrank the heap to ~150 MB and every run grew it again from there, its
# first seconds a string of small young collections copying the job's whole working set.
java -Xms6g -Xmx6g ${KW_BENCH_JAVA_OPTS:-} -cp flink-jobs/target/kilowatch-flink-jobs-standalone.jar io.kilowatch.flink.bench.LoadCurveBenchmark "$@"
