#!/usr/bin/env bash
# Tariff catalogues and bills (docs/tariffs.md).
#
#   scripts/tariffs.sh load [FILE] [--remove PLAN_ID ...]   catalogue into the compacted kw.tariffs topic
#                                                           (no FILE: the sample catalogue, illustrative)
#   scripts/tariffs.sh check FILE                          validate a catalogue, naming every bad line
#   scripts/tariffs.sh bill USAGE --plan ID ... | --all-plans ...   price usage by hand (bill --help)
#
# Kafka's address and the topic come from KW_KAFKA_BOOTSTRAP_SERVERS / KW_KAFKA_TOPIC_TARIFFS
# (or KW_INGEST_CONFIG), as for the ingest service. Running jobs pick loaded plans up while they run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
INGEST=ingest/target/kilowatch-ingest.jar
BILLING=billing/target/kilowatch-billing.jar
build() {
  if [ ! -f "$1" ]; then
    source scripts/lib/toolchain.sh
    ensure_java_and_maven
    mvn -B -q --no-transfer-progress -pl "$2" -am package -DskipTests
  fi
}
cmd=${1:-}
shift || true
case "$cmd" in
  load)  build "$INGEST" ingest;   exec java -cp "$INGEST" io.kilowatch.ingest.TariffLoader "$@" ;;
  check) build "$BILLING" billing; exec java -jar "$BILLING" check "$@" ;;
  bill)  build "$BILLING" billing; exec java -jar "$BILLING" bill "$@" ;;
  *) echo "usage: $0 load [FILE] [--remove PLAN_ID ...] | check FILE | bill USAGE ... (bill --help)" >&2; exit 2 ;;
esac
