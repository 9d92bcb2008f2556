#!/usr/bin/env bash
# Zero frames lost through the relay when the receiver reads ten times slower than the sender writes
# (MsrpFileSender / MsrpFileReceiver with ReceiverOptions.slow). See docs/benchmarks.md, "MSRP relay".
# Extra arguments go to SlowReceiverBenchmark, e.g. --bytes 32m --chunk 64k --slowdown 10.
source "$(dirname "$0")/msrp-bench-common.sh"
msrp_bench_run SlowReceiverBenchmark "$@"
