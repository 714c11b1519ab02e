#!/usr/bin/env bash
# Loads a meter registry CSV into the compacted kw.registry topic (the header and columns are in
# docs/registry.md). Running load-curve jobs pick the changes up while they run.
#
#   scripts/registry.sh load FILE [--remove METER_ID ...]
#   scripts/registry.sh remove METER_ID ...
#
# Kafka's address and the topic come from KW_KAFKA_BOOTSTRAP_SERVERS / KW_KAFKA_TOPIC_REGISTRY
# (or KW_INGEST_CONFIG), as for the ingest service.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JAR=ingest/target/kilowatch-ingest.jar
if [ ! -f "$JAR" ]; then
  source scripts/lib/toolchain.sh
  ensure_java_and_maven
  mvn -B -q --no-transfer-progress -pl ingest -am package -DskipTests
fi
cmd=${1:-}
shift || true
case "$cmd" in
  load)   exec java -cp "$JAR" io.kilowatch.ingest.RegistryLoader "$@" ;;
  remove) args=(); for id in "$@"; do args+=(--remove "$id"); done
          exec java -cp "$JAR" io.kilowatch.ingest.RegistryLoader "${args[@]}" ;;
  *) echo "usage: $0 load FILE [--remove METER_ID ...] | remove METER_ID ..." >&2; exit 2 ;;
esac
