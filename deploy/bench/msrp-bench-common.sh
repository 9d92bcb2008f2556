#!/usr/bin/env bash
# Shared by deploy/bench/msrp-*.sh: compiles msrp-relay's test classes, copies them with the test class
# path to a private directory (so a concurrent build of the module cannot swap classes under a running
# benchmark) and runs one benchmark main class from org.cpmft.msrp.bench.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MVN_OFFLINE="${MVN_OFFLINE:--o}"

msrp_bench_run() {
  local main="$1"; shift
  MSRP_BENCH_WORK="$(mktemp -d /tmp/msrp-bench.XXXXXX)"
  trap 'rm -rf "$MSRP_BENCH_WORK"' EXIT
  local work="$MSRP_BENCH_WORK"
  (cd "$ROOT" && mvn -B -q $MVN_OFFLINE -pl msrp-relay test-compile \
     && mvn -B -q $MVN_OFFLINE -pl msrp-relay dependency:build-classpath \
          -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test)
  cp -r "$ROOT/msrp-relay/target/classes" "$work/classes"
  cp -r "$ROOT/msrp-relay/target/test-classes" "$work/test-classes"
  local cp="$work/test-classes:$work/classes:$(cat "$work/cp.txt")"
  # shellcheck disable=SC2086
  java ${BENCH_JVM_OPTS:--Xmx1g} -Dbench.relayJvmOpts="${RELAY_JVM_OPTS:-}" -Dbench.relayCommandPrefix="${RELAY_CMD_PREFIX:-}" -cp "$cp" "org.cpmft.msrp.bench.$main" "$@"
}
