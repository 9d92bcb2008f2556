#!/usr/bin/env bash
# Relay vs direct throughput, per-chunk latency and CPU per frame over a grid of chunk sizes and
# concurrent sessions (see docs/benchmarks.md, section "MSRP relay"). Extra arguments go to
# RelayVsDirectBenchmark, e.g. --chunks 10k --sessions 1,10 --rounds 5.
# RELAY_JVM_OPTS adds options to the relay's JVM (e.g. a JFR recording).
source "$(dirname "$0")/msrp-bench-common.sh"
msrp_bench_run RelayVsDirectBenchmark "$@"
