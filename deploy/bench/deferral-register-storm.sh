#!/usr/bin/env bash
# REGISTER storm: 1,000 users with 10 stored files each register within 10 s; every one of the
# 10,000 files must be delivered, none twice (DELIVERED rows, MSRP sink completions, SIPp INVITEs).
# Same harness as deferral-register-latency.sh (docs/benchmarks.md, "Deferred store and delivery").
# Extra arguments go to RegisterDeliveryBenchmark, e.g. --max-wait 300s or --users 200 for a short run.
source "$(dirname "$0")/deferral-bench-common.sh"
bench_pf_jar
bench_classpath participating-function
bench_pg_start
# shellcheck disable=SC2086
java ${BENCH_JVM_OPTS:--Xmx1g} -cp "$BENCH_CP" org.cpmft.pf.bench.RegisterDeliveryBenchmark \
  --jar "$BENCH_PF_JAR" --label "REGISTER storm" --users 1000 --files 10 --window 10s --rounds 1 \
  --max-wait 180s "$@"
