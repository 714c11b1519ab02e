#!/usr/bin/env bash
# Every test: unit tests (Surefire) and integration tests (Failsafe) against a real stack that
# this script starts on its own ports and folder, so a running demo is left alone.
#
#   scripts/test.sh [extra mvn arguments]
#
# Exits non-zero on any failure. .ci/run calls it on a clean clone.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
source scripts/lib/toolchain.sh
ensure_java_and_maven

# The layout first, before any stack starts: one formatter for every module (mvn spotless:apply fixes it).
echo "[test] mvn spotless:check: every Java file formatted by palantir-java-format"
mvn -B -q --no-transfer-progress spotless:check

isolated_stack test 10000   # MQTT 11883, Kafka 19092, InfluxDB 18086, folder .stack-test
export KW_INFLUX_DB=${KW_TEST_INFLUX_DB:-kilowatch_test}

# A fresh stack per run: no state from an earlier run can make a test pass or fail.
reset_stack_data
trap 'scripts/stack.sh down' EXIT
scripts/stack.sh up
use_stack_credentials admin

echo "[test] mvn verify: unit and integration tests against the stack in $KW_STACK_DIR"
mvn -B -T1C --no-transfer-progress verify "$@"
