# Sourced by scripts/stack.sh and scripts/cluster.sh (which define log and die): the processes
# they start, found again by pid file, and the servers' classpaths resolved from Maven Central.

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# SIGTERM, up to 10 s to exit, then SIGKILL; the pid file goes either way.
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

# The classpath of a server that has no tarball here (Kafka, Flink), resolved once from POM into FILE.
maven_classpath() { # what, pom, file
  local what=$1 pom=$2 file=$3
  if [ ! -s "$file" ]; then
    log "resolving $what from Maven Central"
    mkdir -p "$(dirname "$file")"
    mvn -q -B -Dstyle.color=never -f "$pom" dependency:build-classpath -Dmdep.outputFile="$file" >/dev/null \
      || die "could not resolve $what"
  fi
  cat "$file"
}
