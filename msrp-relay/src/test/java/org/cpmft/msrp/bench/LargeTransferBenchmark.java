package org.cpmft.msrp.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cpmft.msrp.message.MsrpUri;

/**
 * One large message through a relay whose JVM has a small heap: the payload is generated as a stream
 * ({@link PayloadPattern}) and hashed by the sender as it is written and by the sink as it arrives, so
 * nothing is stored on disk. Passes when every chunk is answered 200, the sink saw the bytes in
 * Byte-Range order and both SHA-256 agree. Run it with deploy/bench/msrp-2gib.sh; options
 * {@code --bytes 2g --chunk 64k --relay-heap 256m} ({@code --chunk 0} sends one chunk per 2 GiB - 1).
 */
public final class LargeTransferBenchmark {
    private LargeTransferBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long bytes = Figures.parseSize(Figures.arg(args, "bytes", "2g"));
        long chunk = Figures.parseSize(Figures.arg(args, "chunk", "64k"));
        if (chunk == 0) {
            chunk = Integer.MAX_VALUE; // largest chunk the sender handles: 2 GiB - 1
        }
        String relayHeap = Figures.arg(args, "relay-heap", "256m");
        List<String> relayOpts = RelayVsDirectBenchmark.jvmOptions(System.getProperty("bench.relayJvmOpts", ""));
        EventLoopGroup senderLoop = new NioEventLoopGroup(1);
        EventLoopGroup sinkLoop = new NioEventLoopGroup(1);
        boolean ok = false;
        try (RelayProcessHandle relay = RelayProcessHandle.start(relayHeap, 0, relayOpts);
             BenchSink sink = new BenchSink(sinkLoop, 1, true)) {
            System.out.printf("# %s in chunks of %s through the relay, relay JVM -Xmx%s %s%n", Figures.size(bytes),
                    Figures.size(chunk), relayHeap, relayOpts);
            MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 9, "bigsend");
            MsrpUri sinkUri = sink.uri(0, "bigrecv");
            RelayProcessHandle.Pair pair = relay.pairs(List.of(senderUri), List.of(sinkUri)).get(0);
            relay.peakHeap(); // reset the peaks
            long cpu0 = relay.cpuNanos();
            int window = (int) Math.max(2, Math.min(64, 256 * Figures.KIB / chunk));
            SendRun run = new BenchSender(senderLoop, new PayloadPattern(7)).run(
                    List.of(new SessionPlan(List.of(pair.offererLeg()), senderUri, bytes, chunk, window, 0)), true,
                    Duration.ofMinutes(10));
            long cpu1 = relay.cpuNanos();
            long[] peak = relay.peakHeap();
            RelayProcessHandle.Metrics m = relay.metrics();
            BenchSink.SinkSession received = sink.session(sinkUri.sessionId());
            String sinkSha = received == null ? "-" : received.sha256();
            System.out.printf("sent %d bytes in %d chunks (%d answered 200), %.1f s, %.1f MB/s, relay CPU %.1f s%n",
                    run.bytes(), (bytes + chunk - 1) / chunk, run.chunks(), run.elapsedNanos() / 1e9,
                    run.megabytesPerSecond(), (cpu1 - cpu0) / 1e9);
            System.out.printf("sink received %d bytes, %d chunks, %d out of order, %d aborted%n",
                    received == null ? 0 : received.bytes, received == null ? 0 : received.chunks,
                    received == null ? 0 : received.outOfOrder, received == null ? 0 : received.aborted);
            System.out.printf("relay heap: peak %.1f MiB of max %.1f MiB; relay: %d frames, %d bytes relayed,"
                            + " %d backpressure pauses, %d errors%n", peak[0] / 1048576.0, peak[1] / 1048576.0,
                    m.frames(), m.bytes(), m.backpressurePauses(), m.errors());
            System.out.println("SHA-256 sent     " + run.sha256());
            System.out.println("SHA-256 received " + sinkSha);
            ok = run.failures() == 0 && run.bytes() == bytes && received != null && received.bytes == bytes
                    && received.outOfOrder == 0 && run.sha256().equals(sinkSha);
            System.out.println("RESULT " + Figures.size(bytes) + " through the relay at -Xmx" + relayHeap + ": "
                    + (ok ? "completed, SHA-256 match" : "FAILED"));
        } finally {
            senderLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            sinkLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        System.exit(ok ? 0 : 1);
    }
}
