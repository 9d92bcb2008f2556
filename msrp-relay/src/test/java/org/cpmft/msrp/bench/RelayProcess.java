package org.cpmft.msrp.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.relay.MsrpRelay;
import org.cpmft.msrp.relay.RelayConfig;
import org.cpmft.msrp.relay.RelaySessionPair;

/**
 * The relay under test in a JVM of its own, so that its CPU time and heap are measured apart from the
 * load generator's. Driven line by line over stdin/stdout by {@link RelayProcessHandle}:
 *
 * <pre>
 *   ALLOC tag                  -> OK tag offererLegUri answererLegUri
 *   BIND tag offererPath answererPath  -> OK tag   (answer sent once the answerer leg is bound; may come out of order)
 *   PAIR tag offererPath answererPath  -> OK tag offererLegUri answererLegUri   (ALLOC + BIND)
 *   CLOSE                      -> OK n           (closes every pair)
 *   CPU                        -> OK processCpuNanos
 *   IOCPU                      -> OK cpuNanosOfEventLoopThreads   (Netty I/O threads only: no JIT, GC or this command loop)
 *   HEAP                       -> OK usedHeapAfterGc nettyDirectUsed jdkDirectUsed
 *   PEAK                       -> OK peakHeapUsed maxHeap (peaks reset)
 *   METRICS                    -> OK frames bytes backpressurePauses wireWaits pendingThrottles errors
 *   PROXY targetPort           -> OK listenPort  (a {@link TcpSpliceProxy} to 127.0.0.1:targetPort, for the baseline)
 *   QUIT
 * </pre>
 * Failures answer {@code ERR tag reason}. First line printed: {@code PORT n}.
 */
public final class RelayProcess {
    private final MsrpRelay relay;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final Map<String, RelaySessionPair> pairs = new ConcurrentHashMap<>();
    private final PrintStream out;
    private final int ioThreads;
    private final java.util.List<TcpSpliceProxy> proxies = new java.util.concurrent.CopyOnWriteArrayList<>();

    private RelayProcess(int ioThreads, PrintStream out) {
        this.out = out;
        this.ioThreads = ioThreads;
        this.relay = MsrpRelay.start(RelayConfig.of("127.0.0.1", 0).withIoThreads(ioThreads)
                .withMeterRegistry(registry));
    }

    public static void main(String[] args) throws Exception {
        int ioThreads = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.US_ASCII);
        RelayProcess p = new RelayProcess(ioThreads, out);
        p.reply("PORT " + p.relay.port());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null && !line.equals("QUIT")) {
                p.handle(line.trim().split(" "));
            }
        } finally {
            p.proxies.forEach(TcpSpliceProxy::close);
            p.relay.close();
        }
        System.exit(0);
    }

    private synchronized void reply(String line) {
        out.println(line);
        out.flush();
    }

    private void handle(String[] cmd) {
        try {
            switch (cmd[0]) {
                case "ALLOC" -> {
                    RelaySessionPair pair = relay.allocatePair();
                    pairs.put(cmd[1], pair);
                    reply("OK " + cmd[1] + " " + pair.offererLeg().localPath().format() + " "
                            + pair.answererLeg().localPath().format());
                }
                case "BIND" -> bind(cmd[1], pairs.get(cmd[1]), cmd[2], cmd[3], false);
                case "PAIR" -> {
                    RelaySessionPair pair = relay.allocatePair();
                    pairs.put(cmd[1], pair);
                    bind(cmd[1], pair, cmd[2], cmd[3], true);
                }
                case "CLOSE" -> {
                    int n = pairs.size();
                    pairs.values().forEach(RelaySessionPair::close);
                    pairs.clear();
                    reply("OK " + n);
                }
                case "PROXY" -> {
                    TcpSpliceProxy proxy = new TcpSpliceProxy(ioThreads, "127.0.0.1", Integer.parseInt(cmd[1]));
                    proxies.add(proxy);
                    reply("OK " + proxy.port());
                }
                case "CPU" -> reply("OK " + processCpuNanos());
                case "IOCPU" -> reply("OK " + eventLoopCpuNanos());
                case "HEAP" -> reply(heap());
                case "PEAK" -> reply(peak());
                case "METRICS" -> reply(metrics());
                default -> reply("ERR - unknown command " + cmd[0]);
            }
        } catch (RuntimeException e) {
            reply("ERR " + (cmd.length > 1 ? cmd[1] : "-") + " " + e);
        }
    }

    private void bind(String tag, RelaySessionPair pair, String offererPath, String answererPath, boolean withUris) {
        String uris = withUris ? " " + pair.offererLeg().localPath().format() + " "
                + pair.answererLeg().localPath().format() : "";
        pair.offererLeg().bindRemotePath(MsrpUri.parsePath(offererPath));
        pair.answererLeg().bindRemotePath(MsrpUri.parsePath(answererPath))
                .orTimeout(30, TimeUnit.SECONDS)
                .whenComplete((v, e) -> reply(e == null ? "OK " + tag + uris : "ERR " + tag + " " + e));
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU time of the Netty event-loop threads (relay and proxy; named {@code ...EventLoopGroup-n-m}). Unlike
     * the process's CPU time it leaves out the JIT compiler and GC threads, which in short runs on a fast
     * machine can use more CPU than relaying itself.
     */
    static long eventLoopCpuNanos() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains("EventLoopGroup")) {
                long ns = mx.getThreadCpuTime(t.getThreadId());
                if (ns > 0) {
                    total += ns;
                }
            }
        }
        return total;
    }

    /** Heap in use after full collections (System.gc() is a full, stop-the-world collection with G1). */
    private static String heap() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        long nettyDirect = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        return "OK " + used + " " + nettyDirect + " " + PlatformDependent.usedDirectMemory();
    }

    private static String peak() {
        long peak = 0;
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        for (MemoryPoolMXBean pool : pools) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
                pool.resetPeakUsage();
            }
        }
        return "OK " + peak + " " + Runtime.getRuntime().maxMemory();
    }

    private String metrics() {
        long frames = (long) registry.find("msrp.relay.frames.relayed").counters().stream()
                .mapToDouble(Counter::count).sum();
        long errors = (long) registry.find("msrp.relay.errors").counters().stream()
                .mapToDouble(Counter::count).sum();
        return "OK " + frames + " " + count("msrp.relay.bytes.relayed") + " " + count("msrp.relay.backpressure.pauses")
                + " " + count("msrp.relay.wire.waits") + " " + count("msrp.relay.pending.throttles") + " " + errors;
    }

    private long count(String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : (long) c.count();
    }
}
