package org.cpmft.msrp.bench;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cpmft.msrp.message.MsrpUri;

/**
 * Heap per idle relayed session: the relay (own JVM) allocates N session pairs, binds both legs (the
 * answerer legs to the sink, sharing one relay connection per sink port as RFC 4975 section 5.4 reuse
 * allows) and then N offerer connections bind themselves with a body-less SEND and stay idle. Heap in
 * use after full GCs is read before and after each step and divided by N. Run it with
 * deploy/bench/msrp-idle-heap.sh; options {@code --sessions 10000 --answerer-ports 100 --relay-heap 1g}.
 */
public final class IdleSessionHeapBenchmark {
    private IdleSessionHeapBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(Figures.arg(args, "sessions", "10000"));
        int answererPorts = Integer.parseInt(Figures.arg(args, "answerer-ports", "100"));
        String relayHeap = Figures.arg(args, "relay-heap", "1g");
        List<String> relayOpts = RelayVsDirectBenchmark.jvmOptions(System.getProperty("bench.relayJvmOpts", ""));
        EventLoopGroup senderLoop = new NioEventLoopGroup(1);
        EventLoopGroup sinkLoop = new NioEventLoopGroup(1);
        List<Channel> idle = List.of();
        try (RelayProcessHandle relay = RelayProcessHandle.start(relayHeap, 0, relayOpts);
             BenchSink sink = new BenchSink(sinkLoop, answererPorts, false)) {
            System.out.printf("# idle sessions: %d pairs, answerer legs over %d shared relay->sink connections,"
                    + " relay JVM -Xmx%s %s%n", n, answererPorts, relayHeap, relayOpts);
            List<MsrpUri> senderUris = new ArrayList<>(n);
            List<MsrpUri> sinkUris = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                senderUris.add(MsrpUri.of(false, "127.0.0.1", 9, "idles" + i));
                sinkUris.add(sink.uri(i, "idlek" + i));
            }
            RelayProcessHandle.Heap h0 = relay.heap();
            print("relay started, no session", h0, h0, n);
            List<RelayProcessHandle.Pair> pairs = relay.allocate(n);
            RelayProcessHandle.Heap h1 = relay.heap();
            print("pairs allocated", h0, h1, n);
            relay.bind(pairs, senderUris, sinkUris);
            RelayProcessHandle.Heap h2 = relay.heap();
            print("both legs bound (answerer legs connected, binding SEND answered)", h0, h2, n);
            List<List<MsrpUri>> toPaths = new ArrayList<>(n);
            for (RelayProcessHandle.Pair p : pairs) {
                toPaths.add(List.of(p.offererLeg()));
            }
            long t = System.nanoTime();
            idle = new BenchSender(senderLoop, new PayloadPattern(1)).openIdle(toPaths, senderUris,
                    Duration.ofMinutes(3));
            System.out.printf("# %d offerer connections bound in %.1f s%n", idle.size(), (System.nanoTime() - t) / 1e9);
            RelayProcessHandle.Heap h3 = relay.heap();
            print("offerer connections open and bound (idle)", h0, h3, n);
            RelayProcessHandle.Metrics m = relay.metrics();
            System.out.printf("# relay errors so far: %d%n", m.errors());
            double perSession = (h3.usedAfterGc() - h0.usedAfterGc()) / (double) n;
            System.out.printf("RESULT heap per idle session with its offerer connection: %.0f bytes = %.2f KiB"
                    + " (target <= 16 KiB: %s)%n", perSession, perSession / 1024, perSession <= 16 * 1024 ? "met"
                    : "MISSED");
            for (Channel c : idle) {
                c.close();
            }
            for (Channel c : idle) {
                c.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            idle = List.of();
            relay.closePairs();
            Thread.sleep(500);
            print("after closing every session and connection", h0, relay.heap(), n);
        } finally {
            for (Channel c : idle) {
                c.close();
            }
            senderLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            sinkLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void print(String step, RelayProcessHandle.Heap base, RelayProcessHandle.Heap now, int n) {
        long heap = now.usedAfterGc() - base.usedAfterGc();
        long direct = now.nettyDirect() - base.nettyDirect();
        System.out.printf("%-70s heap used after GC %8.1f MiB (%+9.1f MiB, %7.0f B/session)"
                        + "  Netty pooled direct %6.1f MiB (%+7.0f B/session)%n", step,
                now.usedAfterGc() / 1048576.0, heap / 1048576.0, heap / (double) n,
                now.nettyDirect() / 1048576.0, direct / (double) n);
    }
}
