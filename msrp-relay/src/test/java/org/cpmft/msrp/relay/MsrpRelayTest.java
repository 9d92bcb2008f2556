package org.cpmft.msrp.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cpmft.msrp.client.MsrpFileReceiver;
import org.cpmft.msrp.client.MsrpFileSender;
import org.cpmft.msrp.client.MsrpTransferException;
import org.cpmft.msrp.client.ReceiveResult;
import org.cpmft.msrp.client.ReceiverOptions;
import org.cpmft.msrp.client.SendOptions;
import org.cpmft.msrp.client.SendResult;
import org.cpmft.msrp.message.FailureReport;
import org.cpmft.msrp.message.MsrpUri;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MsrpRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private MsrpRelay relay;
    private MsrpFileSender sender;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void start() {
        relay = MsrpRelay.start(RelayConfig.of("127.0.0.1", 0).withWriteBuffer(8 * 1024, 16 * 1024)
                .withSocketSendBuffer(16 * 1024));
        sender = new MsrpFileSender();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        sender.close();
        relay.close();
    }

    private Path randomFile(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Path p = tmp.resolve(name);
        Files.write(p, data);
        return p;
    }

    private MsrpFileReceiver receiver(String sessionId, ReceiverOptions options) throws IOException {
        MsrpFileReceiver r = MsrpFileReceiver.listen("127.0.0.1", 0, sessionId, tmp.resolve(sessionId + ".out"),
                options);
        closeables.add(r);
        return r;
    }

    /** Sets up a pair as the SIP side would; returns the offerer leg's URI the sender must address. */
    private RelaySessionPair pairTo(MsrpUri senderUri, MsrpFileReceiver receiver) throws Exception {
        RelaySessionPair pair = relay.allocatePair();
        pair.offererLeg().bindRemotePath(List.of(senderUri)).get(5, TimeUnit.SECONDS);
        pair.answererLeg().bindRemotePath(List.of(receiver.localUri())).get(5, TimeUnit.SECONDS);
        return pair;
    }

    @Test
    void relaysAFileChunkByChunkWithSuccessReport() throws Exception {
        Path file = randomFile("in.bin", 1024 * 1024 + 123, 1);
        MsrpFileReceiver receiver = receiver("recv1abc", ReceiverOptions.DEFAULT);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 40001, "senderabc1");
        RelaySessionPair pair = pairTo(senderUri, receiver);

        SendResult sent = sender.send(file, List.of(pair.offererLeg().localPath()), senderUri,
                SendOptions.of("application/octet-stream", 64 * 1024, WAIT).withSuccessReport(true));
        ReceiveResult got = receiver.await(WAIT);

        assertThat(sent.chunks()).isEqualTo(17);
        assertThat(got.bytes()).isEqualTo(Files.size(file));
        assertThat(got.sha256()).isEqualTo(sent.sha256());
        assertThat(got.messageId()).isEqualTo(sent.messageId());
        assertThat(relay.meterRegistry().get("msrp.relay.frames.relayed").tag("method", "SEND").counter().count())
                .isEqualTo(17);
        assertThat(relay.meterRegistry().get("msrp.relay.bytes.relayed").counter().count())
                .isEqualTo(Files.size(file));
        pair.close();
        assertThat(relay.activeLegs()).isZero();
    }

    @Test
    void relaysSeveralConcurrentSessions() throws Exception {
        int sessions = 4;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<String[]>> results = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                Path file = randomFile("in" + i, 1024 * 1024 + i * 4099, 100 + i);
                MsrpFileReceiver receiver = receiver("recv" + i + "xyz", ReceiverOptions.DEFAULT);
                MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 40010 + i, "sender" + i + "xyz");
                RelaySessionPair pair = pairTo(senderUri, receiver);
                int chunk = i == 0 ? MsrpFileSender.ONE_CHUNK : 16 * 1024 * i;
                results.add(pool.submit(() -> {
                    SendResult s = sender.send(file, List.of(pair.offererLeg().localPath()), senderUri,
                            "application/octet-stream", chunk, WAIT);
                    ReceiveResult r = receiver.await(WAIT);
                    return new String[] {s.sha256(), r.sha256()};
                }));
            }
            for (Future<String[]> f : results) {
                String[] sha = f.get(40, TimeUnit.SECONDS);
                assertThat(sha[1]).isEqualTo(sha[0]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void offererConnectionMovesToTheAnswererConnectionsIoThread() throws Exception {
        // Two I/O threads handed out in turn: the relay's connect to the receiver takes one, the sender's
        // connection accepted next the other, so each offerer connection has to move to share the thread.
        MsrpRelay twoThreads = MsrpRelay.start(RelayConfig.of("127.0.0.1", 0).withIoThreads(2));
        closeables.add(twoThreads);
        for (int i = 0; i < 3; i++) {
            Path file = randomFile("moved" + i, 256 * 1024 + i * 997, 300 + i);
            MsrpFileReceiver receiver = receiver("recvmove" + i, ReceiverOptions.DEFAULT);
            MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 40030 + i, "sendermove" + i);
            RelaySessionPair pair = twoThreads.allocatePair();
            pair.offererLeg().bindRemotePath(List.of(senderUri)).get(5, TimeUnit.SECONDS);
            pair.answererLeg().bindRemotePath(List.of(receiver.localUri())).get(5, TimeUnit.SECONDS);
            SendResult sent = sender.send(file, List.of(pair.offererLeg().localPath()), senderUri,
                    SendOptions.of("application/octet-stream", 16 * 1024, WAIT).withSuccessReport(true));
            ReceiveResult got = receiver.await(WAIT);
            assertThat(got.sha256()).isEqualTo(sent.sha256());
            pair.close();
        }
        assertThat(twoThreads.meterRegistry().get("msrp.relay.connections.moved").counter().count()).isEqualTo(3);
        assertThat(twoThreads.meterRegistry().get("msrp.relay.frames.relayed").tag("method", "SEND").counter()
                .count()).isEqualTo(16 + 17 + 17);
    }

    @Test
    void slowReceiverLosesNothing() throws Exception {
        Path file = randomFile("slow.bin", 1024 * 1024, 7);
        MsrpFileReceiver receiver = receiver("slowrecv1", ReceiverOptions.slow(Duration.ofMillis(1), 16 * 1024));
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 40002, "senderslow");
        RelaySessionPair pair = pairTo(senderUri, receiver);
        long start = System.nanoTime();
        SendResult sent = sender.send(file, List.of(pair.offererLeg().localPath()), senderUri,
                "application/octet-stream", 32 * 1024, WAIT);
        ReceiveResult got = receiver.await(WAIT);
        assertThat(got.sha256()).isEqualTo(sent.sha256());
        assertThat(got.chunks()).isEqualTo(sent.chunks());
        double pauses = relay.meterRegistry().get("msrp.relay.backpressure.pauses").counter().count();
        System.out.printf("slow receiver: %d bytes in %d ms, %.0f backpressure pauses%n", got.bytes(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), pauses);
        assertThat(pauses).isPositive();
    }

    @Test
    void unknownSessionIs481() throws Exception {
        try (RawMsrpSocket s = new RawMsrpSocket(relay.port())) {
            s.send(RawMsrpSocket.send("unk12345", "msrp://127.0.0.1:" + relay.port() + "/nosuchsession;tcp",
                    "msrp://127.0.0.1:5/abcd;tcp", "", "hello"));
            assertThat(s.readUntilEndOf("unk12345")).startsWith("MSRP unk12345 481");
        }
        assertThat(relay.meterRegistry().get("msrp.relay.errors").tag("reason", "unknown_session").counter().count())
                .isEqualTo(1);
    }

    @Test
    void frameForAKnownSessionOnAnotherConnectionIs403AndNotForwarded() throws Exception {
        MsrpFileReceiver receiver = receiver("recv403", ReceiverOptions.DEFAULT);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 40003, "sender403");
        RelaySessionPair pair = pairTo(senderUri, receiver);
        String to = pair.offererLeg().localPath().format();
        try (RawMsrpSocket bound = new RawMsrpSocket(relay.port());
             RawMsrpSocket intruder = new RawMsrpSocket(relay.port())) {
            // From-Path other than the offer's path: not allowed to bind.
            intruder.send(RawMsrpSocket.send("bad00001", to, "msrp://127.0.0.1:6/evil;tcp", "", "x"));
            assertThat(intruder.readUntilEndOf("bad00001")).startsWith("MSRP bad00001 403");
            bound.send(RawMsrpSocket.send("bind0001", to, senderUri.format(), "", null));
            assertThat(bound.readUntilEndOf("bind0001")).startsWith("MSRP bind0001 200");
            // Right From-Path but not the bound connection.
            intruder.send(RawMsrpSocket.send("bad00002", to, senderUri.format(), "", "y"));
            assertThat(intruder.readUntilEndOf("bad00002")).contains("MSRP bad00002 403");
            // The bound connection still relays.
            bound.send(RawMsrpSocket.send("good0001", to, senderUri.format(), "", "hello"));
            assertThat(bound.readUntilEndOf("good0001")).contains("MSRP good0001 200");
        }
        ReceiveResult got = receiver.await(WAIT);
        assertThat(got.bytes()).isEqualTo(5);
    }

    @Test
    void malformedRequestGets400AndLostFramingClosesTheConnection() throws Exception {
        try (RawMsrpSocket s = new RawMsrpSocket(relay.port())) {
            s.send("MSRP bad40001 SEND\r\nTo-Path: msrp://127.0.0.1:1/x;tcp\r\nFrom-Path: msrp://127.0.0.1:2/y;tcp\r\n"
                    + "Message-ID: 1\r\nByte-Range: 9-1/2\r\n-------bad40001$\r\n");
            assertThat(s.readUntilEndOf("bad40001")).startsWith("MSRP bad40001 400");
            s.send("GET / HTTP/1.1\r\n\r\n");
            assertThat(s.closedByPeer()).isTrue();
        }
    }

    @Test
    void failureReportNoSuppressesErrorResponses() throws Exception {
        try (RawMsrpSocket s = new RawMsrpSocket(relay.port())) {
            s.send(RawMsrpSocket.send("frno0001", "msrp://127.0.0.1:1/nosuch;tcp", "msrp://127.0.0.1:5/a;tcp",
                    "Failure-Report: no\r\n", "x"));
            s.send(RawMsrpSocket.send("frye0001", "msrp://127.0.0.1:1/nosuch;tcp", "msrp://127.0.0.1:5/a;tcp",
                    "", "x"));
            String text = s.readUntilEndOf("frye0001");
            assertThat(text).doesNotContain("frno0001").startsWith("MSRP frye0001 481");
        }
    }

    @Test
    void senderFailsWhenTheSessionIsClosed() throws Exception {
        Path file = randomFile("c.bin", 1000, 3);
        MsrpFileReceiver receiver = receiver("recvclosed", ReceiverOptions.DEFAULT);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 40004, "senderclosed");
        RelaySessionPair pair = pairTo(senderUri, receiver);
        MsrpUri target = pair.offererLeg().localPath();
        pair.close();
        assertThatThrownBy(() -> sender.send(file, List.of(target), senderUri, "text/plain", 100, WAIT))
                .isInstanceOfSatisfying(MsrpTransferException.class, e -> assertThat(e.status()).isEqualTo(481));
    }

    @Test
    void failureReportPartialStillDelivers() throws Exception {
        Path file = randomFile("p.bin", 200_000, 4);
        MsrpFileReceiver receiver = receiver("recvpartial", ReceiverOptions.DEFAULT);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 40005, "senderpartial");
        RelaySessionPair pair = pairTo(senderUri, receiver);
        SendResult sent = sender.send(file, List.of(pair.offererLeg().localPath()), senderUri,
                SendOptions.of("application/octet-stream", 50_000, WAIT).withFailureReport(FailureReport.PARTIAL));
        assertThat(receiver.await(WAIT).sha256()).isEqualTo(sent.sha256());
    }

    @Test
    void idleConnectionWithoutSessionIsClosed() throws Exception {
        try (MsrpRelay quick = MsrpRelay.start(RelayConfig.of("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMillis(300)));
             RawMsrpSocket idle = new RawMsrpSocket(quick.port())) {
            assertThat(idle.closedByPeer()).isTrue();
        }
    }
}
