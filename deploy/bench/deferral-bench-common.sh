#!/usr/bin/env bash
# Shared by deploy/bench/store-*.sh and deploy/bench/deferral-*.sh (see docs/benchmarks.md, section
# "Deferred store and delivery"):
#   bench_pg_start           a throwaway PostgreSQL on 127.0.0.1 (data under /tmp, stopped on exit),
#                            or the server named by PF_TEST_PG_URL/USER/PASSWORD when set;
#                            exports PF_BENCH_PG_URL, PF_BENCH_PG_USER, PF_BENCH_PG_PASSWORD
#   bench_classpath MODULE   compiles MODULE's test classes in a private copy of the work tree (a
#                            concurrent build cannot swap classes under a running benchmark);
#                            sets BENCH_CP (sibling modules come from the local Maven repository)
#   bench_pf_jar             packages participating-function (no tests) in that copy; sets BENCH_PF_JAR
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MVN_OFFLINE="${MVN_OFFLINE:--o}"
BENCH_WORK="$(mktemp -d /tmp/pf-bench.XXXXXX)"
BENCH_PG_DIR=""
BENCH_PG_BIN="${BENCH_PG_BIN:-/usr/lib/postgresql/15/bin}"
BENCH_PG_FIRST_PORT="${BENCH_PG_PORT:-57432}"

bench_cleanup() {
  local rc=$?
  set +e
  if [ -n "$BENCH_PG_DIR" ] && [ -f "$BENCH_PG_DIR/data/postmaster.pid" ]; then
    bench_as_pg "$BENCH_PG_BIN/pg_ctl" -D "$BENCH_PG_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1
    echo "bench: PostgreSQL stopped" >&2
  fi
  [ -z "$BENCH_PG_DIR" ] || rm -rf "$BENCH_PG_DIR"
  rm -rf "$BENCH_WORK"
  exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$BENCH_PG_DIR" && runuser -u postgres -- env HOME="$BENCH_PG_DIR" "$@")
  else
    "$@"
  fi
}

bench_pg_start() {
  if [ -n "${PF_TEST_PG_URL:-}" ]; then
    export PF_BENCH_PG_URL="$PF_TEST_PG_URL" PF_BENCH_PG_USER="${PF_TEST_PG_USER:-}" \
      PF_BENCH_PG_PASSWORD="${PF_TEST_PG_PASSWORD:-}"
    echo "bench: using PostgreSQL at $PF_BENCH_PG_URL (PF_TEST_PG_URL)" >&2
    return
  fi
  BENCH_PG_DIR="$(mktemp -d /tmp/pf-bench-pg.XXXXXX)"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$BENCH_PG_DIR"; fi
  local pw; pw="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  (umask 077 && printf '%s\n' "$pw" >"$BENCH_PG_DIR/pw")
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$BENCH_PG_DIR/pw"; fi
  bench_as_pg "$BENCH_PG_BIN/initdb" -D "$BENCH_PG_DIR/data" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 --pwfile="$BENCH_PG_DIR/pw" >"$BENCH_PG_DIR/initdb.log" 2>&1 \
    || { cat "$BENCH_PG_DIR/initdb.log" >&2; return 1; }
  rm -f "$BENCH_PG_DIR/pw"
  local port started=""
  for ((port = BENCH_PG_FIRST_PORT; port < BENCH_PG_FIRST_PORT + 20; port++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    # Durable settings (fsync, synchronous_commit, full_page_writes at their defaults): the store is
    # compared with a plain file written with fsync. PG_BENCH_OPTS adds server options.
    if bench_as_pg "$BENCH_PG_BIN/pg_ctl" -D "$BENCH_PG_DIR/data" -l "$BENCH_PG_DIR/postgres.log" -w -t 60 \
        -o "-p $port -k '$BENCH_PG_DIR' -c listen_addresses=127.0.0.1 -c max_connections=200 ${PG_BENCH_OPTS:-}" \
        start >/dev/null; then
      started=$port; break
    fi
  done
  [ -n "$started" ] || { cat "$BENCH_PG_DIR/postgres.log" >&2; echo "bench: PostgreSQL did not start" >&2; return 1; }
  bench_as_pg "$BENCH_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$BENCH_PG_DIR" -p "$started" -U postgres -d postgres \
    -c "CREATE ROLE pfbench LOGIN CREATEDB PASSWORD '$pw'" -c "CREATE DATABASE pfbench OWNER pfbench" \
    -c "GRANT pg_checkpoint TO pfbench" >/dev/null
  export PF_BENCH_PG_URL="jdbc:postgresql://127.0.0.1:$started/pfbench" PF_BENCH_PG_USER=pfbench PF_BENCH_PG_PASSWORD="$pw"
  echo "bench: throwaway PostgreSQL $("$BENCH_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$started, data in $BENCH_PG_DIR (fsync on)" >&2
}

# Builds in a private copy of the work tree (without target/ and .git): engineers building the same
# module at the same time cannot delete classes under this build or under the running benchmark.
bench_source_copy() {
  if [ ! -d "$BENCH_WORK/src" ]; then
    mkdir -p "$BENCH_WORK/src"
    (cd "$ROOT" && tar --exclude=./.git --exclude='*/target' -cf - .) | (cd "$BENCH_WORK/src" && tar -xf -)
  fi
}

bench_classpath() {
  local module="$1"
  bench_source_copy
  (cd "$BENCH_WORK/src" && mvn -B -q $MVN_OFFLINE -pl "$module" test-compile \
     && mvn -B -q $MVN_OFFLINE -pl "$module" dependency:build-classpath \
          -Dmdep.outputFile="$BENCH_WORK/cp.txt" -Dmdep.includeScope=test)
  BENCH_CP="$BENCH_WORK/src/$module/target/test-classes:$BENCH_WORK/src/$module/target/classes:$(cat "$BENCH_WORK/cp.txt")"
}

bench_pf_jar() {
  bench_source_copy
  (cd "$BENCH_WORK/src" && mvn -B -q $MVN_OFFLINE -pl participating-function package -DskipTests)
  BENCH_PF_JAR="$BENCH_WORK/src/participating-function/target/participating-function.jar"
}
