package org.cpmft.msrp.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cpmft.msrp.message.MsrpUri;

/**
 * Relay versus direct, same sender and sink, same run: for each chunk size and number of concurrent
 * sessions, several rounds alternate a transfer through the relay (in its own JVM, see
 * {@link RelayProcess}) with the same transfer sent straight to the sink and, as a baseline, through a
 * plain TCP forwarder ({@link TcpSpliceProxy}) in the relay's JVM (order rotated every round so drift
 * on the shared machine hits all alike). Prints one line per transfer and a table of
 * medians. Not a test: run it with deploy/bench/msrp-relay-vs-direct.sh.
 *
 * <p>Options: {@code --chunks 1k,10k,64k,1m --sessions 1,10,100,1000 --rounds 3 --bytes 64m
 * --max-chunks 16384 --window-bytes 256k --relay-heap 512m --relay-io-threads 0 --proxy true --warm-up 1
 * --baseline-classes DIR --baseline-io-threads N}.
 */
public final class RelayVsDirectBenchmark {
    /** BASELINE: the same relay process on the main classes of another build ({@code --baseline-classes}). */
    private enum Mode { RELAY, DIRECT, PROXY, BASELINE }

    private record Run(Mode mode, SendRun send, long plannedChunks, long sinkChunks, long relayCpu, long relayIoCpu,
                       long selfCpu, RelayProcessHandle.Metrics relayDelta) {
        double relayCpuMicrosPerChunk() {
            return send.chunks() == 0 ? Double.NaN : relayCpu / 1e3 / send.chunks();
        }

        /** CPU of the relay JVM's event-loop threads only (no JIT compiler, no GC threads). */
        double relayIoCpuMicrosPerChunk() {
            return send.chunks() == 0 ? Double.NaN : relayIoCpu / 1e3 / send.chunks();
        }

        double selfCpuMicrosPerChunk() {
            return send.chunks() == 0 ? Double.NaN : selfCpu / 1e3 / send.chunks();
        }
    }

    private final RelayProcessHandle relay;
    /** Relay JVM on the baseline build's classes, or null. */
    private RelayProcessHandle baseline;
    private final BenchSink sink;
    private final BenchSender sender;
    private final long windowBytes;
    private final boolean withProxy;
    private int proxyPort;
    private int runCounter;

    private RelayVsDirectBenchmark(RelayProcessHandle relay, BenchSink sink, BenchSender sender, long windowBytes,
                                   boolean withProxy) {
        this.withProxy = withProxy;
        this.relay = relay;
        this.sink = sink;
        this.sender = sender;
        this.windowBytes = windowBytes;
    }

    public static void main(String[] args) throws Exception {
        long[] chunkSizes = Figures.parseSizes(Figures.arg(args, "chunks", "1k,10k,64k,1m"));
        int[] sessionCounts = Arrays.stream(Figures.arg(args, "sessions", "1,10,100,1000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(Figures.arg(args, "rounds", "3"));
        long targetBytes = Figures.parseSize(Figures.arg(args, "bytes", "64m"));
        long maxChunks = Long.parseLong(Figures.arg(args, "max-chunks", "16384"));
        long windowBytes = Figures.parseSize(Figures.arg(args, "window-bytes", "256k"));
        String relayHeap = Figures.arg(args, "relay-heap", "512m");
        int ioThreads = Integer.parseInt(Figures.arg(args, "relay-io-threads", "0"));
        boolean withProxy = Boolean.parseBoolean(Figures.arg(args, "proxy", "true"));
        // Warm-up passes before measuring: on a loaded 2-core machine one pass leaves the relay JVM's C2
        // compiler running during the first cells, and its CPU time is counted as relay CPU.
        int warmUps = Integer.parseInt(Figures.arg(args, "warm-up", "1"));
        // Main classes of another build (e.g. a copy of msrp-relay/target/classes before a change): its relay runs
        // as mode BASELINE, interleaved with the others, for before/after figures from one run.
        String baselineClasses = Figures.arg(args, "baseline-classes", "");
        // I/O threads of the BASELINE relay (default: as the relay's); with --baseline-classes target/classes the
        // two relays differ only in their thread count.
        int baselineIoThreads = Integer.parseInt(Figures.arg(args, "baseline-io-threads", Integer.toString(ioThreads)));
        List<String> relayOpts = jvmOptions(System.getProperty("bench.relayJvmOpts", ""));
        int maxSessions = Arrays.stream(sessionCounts).max().orElse(1);

        System.out.printf("# MSRP relay vs direct: %d cores, java %s, relay JVM -Xmx%s io-threads=%s %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), relayHeap,
                ioThreads == 0 ? "netty-default" : ioThreads, relayOpts);
        EventLoopGroup senderLoop = new NioEventLoopGroup(1);
        EventLoopGroup sinkLoop = new NioEventLoopGroup(1);
        try (RelayProcessHandle relay = RelayProcessHandle.start(relayHeap, ioThreads, relayOpts);
             RelayProcessHandle baseline = baselineClasses.isEmpty() ? null : RelayProcessHandle.start(relayHeap,
                     baselineIoThreads, relayOpts, RelayProcessHandle.classPathWithRelayClasses(baselineClasses));
             BenchSink sink = new BenchSink(sinkLoop, maxSessions, false)) {
            System.out.printf("# relay pid %d port %d, sink on %d ports%n", relay.pid(), relay.port(), sink.portCount());
            RelayVsDirectBenchmark bench = new RelayVsDirectBenchmark(relay, sink,
                    new BenchSender(senderLoop, new PayloadPattern(42)), windowBytes, withProxy);
            bench.baseline = baseline;
            if (baseline != null) {
                System.out.printf("# baseline relay pid %d on %s, io-threads=%s%n", baseline.pid(), baselineClasses,
                        baselineIoThreads == 0 ? "netty-default" : baselineIoThreads);
            }
            if (withProxy) {
                bench.proxyPort = relay.startProxy(sink.uri(0, "x").port());
            }
            for (int i = 0; i < warmUps; i++) {
                bench.warmUp(chunkSizes);
            }
            List<String> table = new ArrayList<>();
            for (long chunk : chunkSizes) {
                for (int sessions : sessionCounts) {
                    long totalChunks = Math.max(sessions, Math.min(maxChunks, targetBytes / chunk));
                    long perSession = Math.max(1, totalChunks / sessions) * chunk;
                    table.add(bench.cell(chunk, sessions, perSession, rounds));
                }
            }
            System.out.println();
            System.out.println("| chunk | sessions | bytes/run | MB/s relay | MB/s direct | relay/direct | chunks/s relay"
                    + " | chunks/s direct | p50 us relay | p50 us direct | p99 us relay | p99 us direct"
                    + " | relay CPU us/chunk | relay I/O threads CPU us/chunk | endpoints CPU us/chunk relay"
                    + " | endpoints CPU us/chunk direct | MB/s TCP proxy | TCP proxy CPU us/chunk"
                    + " | TCP proxy I/O threads CPU us/chunk | lost |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            table.forEach(System.out::println);
            if (baseline != null) {
                System.out.println();
                System.out.println("| chunk | sessions | MB/s relay | MB/s baseline | relay/direct | baseline/direct"
                        + " | relay/baseline | relay CPU us/chunk | baseline CPU us/chunk | relay I/O CPU us/chunk"
                        + " | baseline I/O CPU us/chunk | p50 us relay | p50 us baseline | lost |");
                System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
                bench.baselineTable.forEach(System.out::println);
            }
            RelayProcessHandle.Metrics total = relay.metrics();
            System.out.printf("# relay totals: %d frames relayed (SEND and REPORT), %d bytes, %d backpressure pauses,"
                    + " %d wire waits, %d pending throttles, %d errors%n", total.frames(), total.bytes(),
                    total.backpressurePauses(), total.wireWaits(), total.pendingThrottles(), total.errors());
        } finally {
            senderLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            sinkLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static List<String> jvmOptions(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }

    private void warmUp(long[] chunkSizes) throws Exception {
        for (long chunk : chunkSizes) {
            long perSession = Math.max(chunk, Math.min(16 * Figures.MIB, 4000 * chunk) / 10 / chunk * chunk);
            for (Mode mode : modes()) {
                Run r = run(mode, chunk, 10, perSession);
                System.out.printf("# warm-up %-6s chunk %-7s %6.1f MB/s%n", mode, Figures.size(chunk),
                        r.send().megabytesPerSecond());
            }
        }
    }

    private final List<String> baselineTable = new ArrayList<>();

    private List<Mode> modes() {
        List<Mode> modes = new ArrayList<>(List.of(Mode.RELAY, Mode.DIRECT));
        if (withProxy) {
            modes.add(Mode.PROXY);
        }
        if (baseline != null) {
            modes.add(Mode.BASELINE);
        }
        return modes;
    }

    private RelayProcessHandle relayOf(Mode mode) {
        return mode == Mode.BASELINE ? baseline : relay;
    }

    private String cell(long chunk, int sessions, long perSession, int rounds) throws Exception {
        List<Run> relayRuns = new ArrayList<>();
        List<Run> directRuns = new ArrayList<>();
        List<Run> proxyRuns = new ArrayList<>();
        List<Run> baselineRuns = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> baselineRatios = new ArrayList<>();
        List<Double> relayVsBaseline = new ArrayList<>();
        long lost = 0;
        for (int round = 0; round < rounds; round++) {
            // Rotate the order so that no mode always runs first or last in a round.
            List<Mode> order = new ArrayList<>(modes());
            java.util.Collections.rotate(order, round);
            if (round % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            Run relayRun = null;
            Run directRun = null;
            Run baselineRun = null;
            for (Mode mode : order) {
                Run r = run(mode, chunk, sessions, perSession);
                print(chunk, sessions, round, r);
                lost += r.plannedChunks() - r.sinkChunks();
                if (mode == Mode.RELAY) {
                    relayRun = r;
                } else if (mode == Mode.DIRECT) {
                    directRun = r;
                } else if (mode == Mode.BASELINE) {
                    baselineRun = r;
                    baselineRuns.add(r);
                } else {
                    proxyRuns.add(r);
                }
            }
            relayRuns.add(relayRun);
            directRuns.add(directRun);
            ratios.add(relayRun.send().megabytesPerSecond() / directRun.send().megabytesPerSecond());
            if (baselineRun != null) {
                baselineRatios.add(baselineRun.send().megabytesPerSecond() / directRun.send().megabytesPerSecond());
                relayVsBaseline.add(relayRun.send().megabytesPerSecond() / baselineRun.send().megabytesPerSecond());
            }
        }
        if (!baselineRuns.isEmpty()) {
            baselineTable.add(String.join(" | ", "", Figures.size(chunk), Integer.toString(sessions),
                    Figures.num(med(relayRuns, r -> r.send().megabytesPerSecond())),
                    Figures.num(med(baselineRuns, r -> r.send().megabytesPerSecond())),
                    String.format("%.2f", Figures.median(ratios)),
                    String.format("%.2f", Figures.median(baselineRatios)),
                    String.format("%.2f", Figures.median(relayVsBaseline)),
                    Figures.num(med(relayRuns, Run::relayCpuMicrosPerChunk)),
                    Figures.num(med(baselineRuns, Run::relayCpuMicrosPerChunk)),
                    Figures.num(med(relayRuns, Run::relayIoCpuMicrosPerChunk)),
                    Figures.num(med(baselineRuns, Run::relayIoCpuMicrosPerChunk)),
                    Figures.num(med(relayRuns, r -> r.send().latencyMicros(50))),
                    Figures.num(med(baselineRuns, r -> r.send().latencyMicros(50))),
                    Long.toString(lost), "").trim());
        }
        return String.join(" | ", "", Figures.size(chunk), Integer.toString(sessions),
                Figures.size(perSession * sessions),
                Figures.num(med(relayRuns, r -> r.send().megabytesPerSecond())),
                Figures.num(med(directRuns, r -> r.send().megabytesPerSecond())),
                String.format("%.2f", Figures.median(ratios)),
                Figures.num(med(relayRuns, r -> r.send().chunksPerSecond())),
                Figures.num(med(directRuns, r -> r.send().chunksPerSecond())),
                Figures.num(med(relayRuns, r -> r.send().latencyMicros(50))),
                Figures.num(med(directRuns, r -> r.send().latencyMicros(50))),
                Figures.num(med(relayRuns, r -> r.send().latencyMicros(99))),
                Figures.num(med(directRuns, r -> r.send().latencyMicros(99))),
                Figures.num(med(relayRuns, Run::relayCpuMicrosPerChunk)),
                Figures.num(med(relayRuns, Run::relayIoCpuMicrosPerChunk)),
                Figures.num(med(relayRuns, Run::selfCpuMicrosPerChunk)),
                Figures.num(med(directRuns, Run::selfCpuMicrosPerChunk)),
                Figures.num(med(proxyRuns, r -> r.send().megabytesPerSecond())),
                Figures.num(med(proxyRuns, Run::relayCpuMicrosPerChunk)),
                Figures.num(med(proxyRuns, Run::relayIoCpuMicrosPerChunk)),
                Long.toString(lost), "").trim();
    }

    private static double med(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        List<Double> v = new ArrayList<>();
        for (Run r : runs) {
            v.add(f.applyAsDouble(r));
        }
        return Figures.median(v);
    }

    private static void print(long chunk, int sessions, int round, Run r) {
        SendRun s = r.send();
        System.out.printf("%-6s chunk %-7s sessions %4d round %d: %8.1f MB/s %9.0f chunks/s p50 %8.0f us p99 %9.0f us"
                        + " relay CPU %7.2f us/chunk (I/O threads %7.2f) endpoints CPU %7.2f us/chunk lost %d failed sessions %d%s%n",
                r.mode(), Figures.size(chunk), sessions, round, s.megabytesPerSecond(), s.chunksPerSecond(),
                s.latencyMicros(50), s.latencyMicros(99),
                r.mode() != Mode.DIRECT ? r.relayCpuMicrosPerChunk() : Double.NaN,
                r.mode() != Mode.DIRECT ? r.relayIoCpuMicrosPerChunk() : Double.NaN, r.selfCpuMicrosPerChunk(),
                r.plannedChunks() - r.sinkChunks(), s.failures(),
                r.relayDelta() == null ? "" : String.format(" (relay: %d frames, %d backpressure pauses, %d wire waits,"
                        + " %d errors)", r.relayDelta().frames(), r.relayDelta().backpressurePauses(),
                        r.relayDelta().wireWaits(), r.relayDelta().errors()));
    }

    private Run run(Mode mode, long chunk, int sessions, long perSession) throws Exception {
        int id = ++runCounter;
        List<MsrpUri> sinkUris = new ArrayList<>(sessions);
        List<MsrpUri> senderUris = new ArrayList<>(sessions);
        for (int i = 0; i < sessions; i++) {
            sinkUris.add(sink.uri(i, "k" + id + "x" + i));
            // The sender is the active party: the port of its own URI is never connected to.
            senderUris.add(MsrpUri.of(false, "127.0.0.1", 9, "s" + id + "x" + i));
        }
        List<List<MsrpUri>> toPaths = new ArrayList<>(sessions);
        RelayProcessHandle process = relayOf(mode);
        boolean relayed = mode == Mode.RELAY || mode == Mode.BASELINE;
        if (relayed) {
            for (RelayProcessHandle.Pair p : process.pairs(senderUris, sinkUris)) {
                toPaths.add(List.of(p.offererLeg()));
            }
        } else if (mode == Mode.PROXY) {
            // All through the one proxy listener, which opens one upstream connection per session.
            for (int i = 0; i < sessions; i++) {
                sinkUris.set(i, sink.uri(0, sinkUris.get(i).sessionId()));
                toPaths.add(List.of(sinkUris.get(i)));
            }
        } else {
            sinkUris.forEach(u -> toPaths.add(List.of(u)));
        }
        int window = (int) Math.max(2, Math.min(64, windowBytes / chunk));
        List<SessionPlan> plans = new ArrayList<>(sessions);
        for (int i = 0; i < sessions; i++) {
            plans.add(new SessionPlan(toPaths.get(i), senderUris.get(i), perSession, chunk, window,
                    mode == Mode.PROXY ? proxyPort : 0));
        }
        RelayProcessHandle.Metrics m0 = process.metrics();
        System.gc(); // the load generator's own collections should not land inside the timed part
        long relayCpu0 = process.cpuNanos();
        long relayIo0 = process.ioCpuNanos();
        long self0 = Figures.selfCpuNanos();
        SendRun send = sender.run(plans, false, Duration.ofSeconds(180));
        long self1 = Figures.selfCpuNanos();
        long relayCpu1 = process.cpuNanos();
        long relayIo1 = process.ioCpuNanos();
        RelayProcessHandle.Metrics m1 = process.metrics();
        if (relayed) {
            process.closePairs();
        }
        long chunksPerSession = (perSession + chunk - 1) / chunk;
        long sinkChunks = 0;
        for (int i = 0; i < sessions; i++) {
            String sid = sinkUris.get(i).sessionId();
            BenchSink.SinkSession s = sink.session(sid);
            if (s != null) {
                if (s.outOfOrder > 0 || s.aborted > 0) {
                    System.out.printf("!! session %s: %d chunks out of order, %d aborted%n", sid, s.outOfOrder,
                            s.aborted);
                }
                sinkChunks += Math.min(s.chunks, chunksPerSession);
                sink.forget(sid);
            }
        }
        RelayProcessHandle.Metrics delta = relayed ? new RelayProcessHandle.Metrics(
                m1.frames() - m0.frames(), m1.bytes() - m0.bytes(), m1.backpressurePauses() - m0.backpressurePauses(),
                m1.wireWaits() - m0.wireWaits(), m1.pendingThrottles() - m0.pendingThrottles(),
                m1.errors() - m0.errors()) : null;
        return new Run(mode, send, chunksPerSession * sessions, sinkChunks, relayCpu1 - relayCpu0, relayIo1 - relayIo0,
                self1 - self0, delta);
    }
}
