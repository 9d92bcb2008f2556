package org.cpmft.msrp.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.cpmft.msrp.client.MsrpFileReceiver;
import org.cpmft.msrp.client.MsrpFileSender;
import org.cpmft.msrp.client.ReceiveResult;
import org.cpmft.msrp.client.ReceiverOptions;
import org.cpmft.msrp.client.SendOptions;
import org.cpmft.msrp.client.SendResult;
import org.cpmft.msrp.message.MsrpUri;

/**
 * No frame lost when the receiver reads at least ten times slower than the sender writes: the
 * module's own {@link MsrpFileSender} and {@link MsrpFileReceiver} through the relay (own JVM), first
 * with a normal receiver to measure the sender's rate, then with {@link ReceiverOptions#slow} tuned
 * until the rate is at most a tenth of it. Passes when every chunk the sender wrote was received and
 * answered 200, the success REPORT came back, the SHA-256 match and the relay counted no error. Run it
 * with deploy/bench/msrp-slow-receiver.sh; options {@code --bytes 16m --chunk 64k --slowdown 10 --receive-buffer 64k}.
 */
public final class SlowReceiverBenchmark {
    private SlowReceiverBenchmark() {
    }

    private record Transfer(SendResult sent, ReceiveResult received, long nanos) {
        double megabytesPerSecond() {
            return received.bytes() / 1e6 / (nanos / 1e9);
        }
    }

    public static void main(String[] args) throws Exception {
        long bytes = Figures.parseSize(Figures.arg(args, "bytes", "16m"));
        int chunk = (int) Figures.parseSize(Figures.arg(args, "chunk", "64k"));
        double slowdown = Double.parseDouble(Figures.arg(args, "slowdown", "10"));
        int receiveBuffer = (int) Figures.parseSize(Figures.arg(args, "receive-buffer", "64k"));
        Path dir = Files.createTempDirectory("msrp-slow-bench");
        Path file = dir.resolve("message.bin");
        boolean ok = false;
        try (RelayProcessHandle relay = RelayProcessHandle.start("256m", 0,
                RelayVsDirectBenchmark.jvmOptions(System.getProperty("bench.relayJvmOpts", "")));
             MsrpFileSender sender = new MsrpFileSender()) {
            writeRandom(file, bytes);
            System.out.printf("# %s file in %s chunks via the relay, MsrpFileSender -> relay JVM -> MsrpFileReceiver%n",
                    Figures.size(bytes), Figures.size(chunk));
            transfer(relay, sender, file, dir, chunk, ReceiverOptions.DEFAULT, 0); // warm-up
            Transfer fast = transfer(relay, sender, file, dir, chunk, ReceiverOptions.DEFAULT, 1);
            System.out.printf("normal receiver: %.1f MB/s (the sender's write rate through the relay)%n",
                    fast.megabytesPerSecond());
            // With reads of at most receiveBuffer bytes and a pause after each, the rate is about buffer/pause.
            double targetBytesPerSecond = fast.megabytesPerSecond() * 1e6 / slowdown;
            Duration pause = Duration.ofNanos((long) (receiveBuffer / targetBytesPerSecond * 1e9));
            Transfer slow = null;
            for (int attempt = 0; attempt < 4; attempt++) {
                RelayProcessHandle.Metrics before = relay.metrics();
                slow = transfer(relay, sender, file, dir, chunk, ReceiverOptions.slow(pause, receiveBuffer), 2 + attempt);
                RelayProcessHandle.Metrics after = relay.metrics();
                double ratio = fast.megabytesPerSecond() / slow.megabytesPerSecond();
                long lost = slow.sent().chunks() - slow.received().chunks();
                boolean shaMatch = slow.sent().sha256().equals(slow.received().sha256());
                System.out.printf("slow receiver (pause %d us per read of <= %d bytes): %.2f MB/s = 1/%.1f of the"
                                + " sender's rate; chunks sent %d, received %d, lost %d; SHA-256 %s; relay:"
                                + " %d backpressure pauses, %d errors%n", pause.toNanos() / 1000, receiveBuffer,
                        slow.megabytesPerSecond(), ratio, slow.sent().chunks(), slow.received().chunks(), lost,
                        shaMatch ? "match" : "DIFFER", after.backpressurePauses() - before.backpressurePauses(),
                        after.errors() - before.errors());
                if (ratio >= slowdown) {
                    ok = lost == 0 && shaMatch && after.errors() == before.errors();
                    break;
                }
                pause = pause.multipliedBy(2);
            }
            System.out.println("RESULT receiver " + slowdown + "x slower than the sender: "
                    + (ok ? "zero frames lost, SHA-256 match" : "FAILED or slowdown not reached"));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        System.exit(ok ? 0 : 1);
    }

    private static Transfer transfer(RelayProcessHandle relay, MsrpFileSender sender, Path file, Path dir, int chunk,
                                     ReceiverOptions options, int n) throws Exception {
        Path out = dir.resolve("received-" + n + ".bin");
        try (MsrpFileReceiver receiver = MsrpFileReceiver.listen("127.0.0.1", 0, "slowrx" + n, out, options)) {
            MsrpUri from = MsrpUri.of(false, "127.0.0.1", 9, "slowtx" + n);
            RelayProcessHandle.Pair pair = relay.pairs(List.of(from), List.of(receiver.localUri())).get(0);
            long t0 = System.nanoTime();
            SendResult sent = sender.send(file, List.of(pair.offererLeg()), from,
                    SendOptions.of("application/octet-stream", chunk, Duration.ofMinutes(2)).withSuccessReport(true));
            ReceiveResult received = receiver.await(Duration.ofMinutes(1));
            long nanos = System.nanoTime() - t0;
            relay.closePairs();
            return new Transfer(sent, received, nanos);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void writeRandom(Path file, long bytes) throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
    }
}
