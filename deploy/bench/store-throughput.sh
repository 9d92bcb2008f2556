#!/usr/bin/env bash
# Deferred store write/read throughput of one large file (default 1 GiB) through ContentWriter /
# ContentReader on PostgreSQL (chunk 256 KiB and 1 MiB, column storage EXTERNAL as migration V2 sets
# it), beside a plain file written with fsync at the end and read back, rounds interleaved
# (docs/benchmarks.md, section "Deferred store and delivery"). Starts and stops its own PostgreSQL
# unless PF_TEST_PG_URL/USER/PASSWORD name one. Extra arguments go to StoreThroughputBenchmark,
# e.g. --size 256MiB --rounds 5 --chunks 256KiB,1MiB,4MiB --dir /var/tmp --storage EXTERNAL,EXTENDED;
# --flush-every 64KiB flushes like the relay does before answering each 64 KiB SEND chunk and adds a
# plain file fsynced at that cadence. H2 for information: --h2 --size 128MiB.
# BENCH_JVM_OPTS replaces the JVM options (e.g. add -XX:StartFlightRecording=filename=/tmp/store.jfr).
source "$(dirname "$0")/deferral-bench-common.sh"
echo "bench: disk space: $(df -h --output=avail /tmp | tail -1 | tr -d ' ') free in /tmp" >&2
bench_pg_start
bench_classpath deferred-store
# shellcheck disable=SC2086
java ${BENCH_JVM_OPTS:--Xmx1g} -cp "$BENCH_CP" org.cpmft.store.bench.StoreThroughputBenchmark "$@"
