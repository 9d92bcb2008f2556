#!/usr/bin/env bash
# Heap per idle relayed session at 10,000 sessions (see docs/benchmarks.md, section "MSRP relay").
# Extra arguments go to IdleSessionHeapBenchmark, e.g. --sessions 10000 --answerer-ports 100.
source "$(dirname "$0")/msrp-bench-common.sh"
msrp_bench_run IdleSessionHeapBenchmark "$@"
