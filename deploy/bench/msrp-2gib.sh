#!/usr/bin/env bash
# One 2 GiB message through the relay with the relay JVM at -Xmx256m; SHA-256 compared end to end
# (payload generated as a stream, nothing written to disk). See docs/benchmarks.md, "MSRP relay".
# Extra arguments go to LargeTransferBenchmark, e.g. --chunk 0 for one 2 GiB - 1 chunk.
source "$(dirname "$0")/msrp-bench-common.sh"
msrp_bench_run LargeTransferBenchmark "$@"
