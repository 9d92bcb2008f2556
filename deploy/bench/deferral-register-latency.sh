#!/usr/bin/env bash
# Time from a third-party REGISTER to the delivery INVITE leaving the PF (p50/p99), PF jar on a
# throwaway PostgreSQL, K users with one stored file each per round, SIPp UAS as the recipients and
# an MSRP sink (docs/benchmarks.md, section "Deferred store and delivery"). Extra arguments go to
# RegisterDeliveryBenchmark, e.g. --users 200 --rounds 3 --window 10s. PF_JVM_OPTS: the PF's JVM options
# (e.g. "-Xmx1g -XX:StartFlightRecording=filename=/tmp/pf.jfr").
source "$(dirname "$0")/deferral-bench-common.sh"
bench_pf_jar
bench_classpath participating-function
bench_pg_start
# shellcheck disable=SC2086
java ${BENCH_JVM_OPTS:--Xmx512m} -cp "$BENCH_CP" org.cpmft.pf.bench.RegisterDeliveryBenchmark \
  --jar "$BENCH_PF_JAR" --label "REGISTER -> delivery INVITE" --users 200 --files 1 --window 10s --rounds 3 \
  --max-wait 60s "$@"
