package org.cpmft.pf.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files pushed to a PF the way CPM clients push them: SIPp sends the INVITEs (ft-uac-push.xml, one
 * call per file) and, once each 200 names the PF's a=path, this side sends the file over MSRP with
 * a {@link PacedMsrpSender}. The scenario's command hook appends each answered path to a file,
 * which is how the two sides meet.
 */
final class CpmFileSenders {

    private CpmFileSenders() {
    }

    static List<byte[]> randomFiles(int count, int size, long seed) {
        Random random = new Random(seed);
        List<byte[]> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            files.add(b);
        }
        return files;
    }

    /**
     * Pushes every file (all the same size) to the PF, one SIP call each, several at once, and
     * returns when each was acknowledged to the sender and each call ended with BYE/200.
     */
    static void push(PfUnderTest pf, List<byte[]> files, Path dir, String tag, Duration timeout) throws Exception {
        Path paths = dir.resolve(tag + "-paths.txt");
        Files.writeString(paths, "");
        String senderPath = "msrp://127.0.0.1:" + FreePorts.next() + "/" + tag + ";tcp";
        Path scenarios = PfJar.deployDir().resolve("sipp");
        long deadline = System.nanoTime() + timeout.toNanos();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<Long>> sent = new ArrayList<>();
        try (ProcessUnderTest uac = ProcessUnderTest.start("sipp-uac-" + tag, List.of("sipp", "-sf",
                scenarios.resolve("ft-uac-push.xml").toString(), "127.0.0.1:" + pf.sipPort,
                "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-s", "bob",
                "-m", Integer.toString(files.size()), "-r", "10", "-l", "10", "-d", Long.toString(holdMillis(files.get(0).length)), "-nostdin",
                "-timeout", timeout.toSeconds() + "s",
                "-key", "ft_name", tag + ".bin", "-key", "ft_type", "application/octet-stream",
                "-key", "ft_size", Integer.toString(files.get(0).length),
                "-key", "msrp_path", senderPath, "-key", "msrp_cmd", "echo >> " + paths), Map.of(), dir)) {
            while (sent.size() < files.size()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(tag + ": only " + sent.size() + " of " + files.size()
                            + " calls answered in time\n" + uac.output());
                }
                List<String> answered = Files.readAllLines(paths).stream().filter(l -> !l.isBlank()).toList();
                for (int i = sent.size(); i < answered.size() && i < files.size(); i++) {
                    byte[] file = files.get(i);
                    String pfPath = answered.get(i);
                    sent.add(senders.submit(() -> {
                        try (PacedMsrpSender s = new PacedMsrpSender()) {
                            return s.send(file, pfPath, senderPath, 64 * 1024, Duration.ZERO);
                        }
                    }));
                }
                if (!uac.isAlive() && sent.size() < files.size()) {
                    throw new AssertionError(tag + ": SIPp ended early\n" + uac.output());
                }
                Thread.sleep(50);
            }
            for (int i = 0; i < sent.size(); i++) {
                long left = Math.max(1, deadline - System.nanoTime());
                try {
                    assertThat(sent.get(i).get(left, TimeUnit.NANOSECONDS)).as("%s: file %d acknowledged", tag, i)
                            .isEqualTo(files.get(i).length);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError(tag + ": file " + i + " not sent: " + e.getCause() + "\nPF:\n"
                            + pf.process().output(), e.getCause());
                }
            }
            assertThat(uac.awaitExit(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))))
                    .as("%s: the senders' calls\n%s\nPF:\n%s", tag, uac.output(), pf.process().output()).isZero();
        } finally {
            senders.shutdownNow();
        }
    }

    /**
     * How long each call stays up before the sender's BYE: the MSRP side must be done by then, and
     * each chunk waits for the PF's durable write (about 10 ms per 64 KiB on a slow disk, more under load).
     */
    private static long holdMillis(int fileSize) {
        // Generous: under a loaded CI machine a short hold ended calls before their media (481).
        return 5000 + fileSize / 1024 * 20L;
    }

    /** The S-CSCF tells the PF that the user has no binding any more (third-party REGISTER, Expires 0). */
    static void deregister(int pfSipPort, String user, Path dir) throws IOException, InterruptedException {
        register(pfSipPort, user, 0, dir);
    }

    static void register(int pfSipPort, String user, int expires, Path dir) throws IOException, InterruptedException {
        try (ProcessUnderTest register = ProcessUnderTest.start("sipp-3rd-party-register", List.of("sipp",
                "-sf", PfJar.deployDir().resolve("sipp").resolve("third-party-register.xml").toString(),
                "127.0.0.1:" + pfSipPort, "-i", "127.0.0.1", "-p", Integer.toString(FreePorts.next()), "-m", "1",
                "-nostdin", "-timeout", "30s", "-key", "user", user, "-key", "expires", Integer.toString(expires),
                "-key", "instance", "urn:gsma:imei:35999999-999999-0"), Map.of(), dir)) {
            assertThat(register.awaitExit(Duration.ofSeconds(40))).as("REGISTER\n%s", register.output()).isZero();
        }
    }
}
