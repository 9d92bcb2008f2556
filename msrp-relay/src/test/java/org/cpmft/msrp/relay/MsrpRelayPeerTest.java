package org.cpmft.msrp.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
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
import org.cpmft.msrp.client.MsrpFileSender;
import org.cpmft.msrp.client.MsrpTransferException;
import org.cpmft.msrp.client.SendResult;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpUri;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Relay behaviour against scripted far ends: connection reuse, timeouts, lost peers, the tee. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MsrpRelayPeerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private MsrpRelay relay;
    private MsrpFileSender sender;
    private TestMsrpPeer peer;

    @BeforeEach
    void start() {
        relay = MsrpRelay.start(RelayConfig.of("127.0.0.1", 0)
                .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMinutes(1))
                .withWriteBuffer(8 * 1024, 16 * 1024).withSocketSendBuffer(32 * 1024));
        sender = new MsrpFileSender();
    }

    @AfterEach
    void stop() {
        sender.close();
        relay.close();
        if (peer != null) {
            peer.close();
        }
    }

    private Path randomFile(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return Files.write(tmp.resolve(name), data);
    }

    private RelaySessionPair pair(MsrpUri senderUri, MsrpUri answerer) throws Exception {
        RelaySessionPair pair = relay.allocatePair();
        pair.offererLeg().bindRemotePath(List.of(senderUri)).get(5, TimeUnit.SECONDS);
        pair.answererLeg().bindRemotePath(List.of(answerer)).get(5, TimeUnit.SECONDS);
        return pair;
    }

    @Test
    void sessionsToTheSamePeerShareOneConnectionWithoutInterleavingFrames() throws Exception {
        peer = new TestMsrpPeer(TestMsrpPeer.Behaviour.ANSWER);
        int sessions = 3;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<SendResult>> sends = new ArrayList<>();
            List<String> peerSessions = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                Path file = randomFile("f" + i, 700_000 + i * 1000, i);
                MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 41000 + i, "s" + i + "sender");
                String peerSession = "peer" + i + "session";
                peerSessions.add(peerSession);
                RelaySessionPair p = pair(senderUri, peer.uri(peerSession));
                sends.add(pool.submit(() -> sender.send(file, List.of(p.offererLeg().localPath()), senderUri,
                        "application/octet-stream", 48 * 1024, WAIT)));
            }
            for (int i = 0; i < sessions; i++) {
                SendResult r = sends.get(i).get(40, TimeUnit.SECONDS);
                assertThat(peer.sha256(peerSessions.get(i))).isEqualTo(r.sha256());
            }
            assertThat(peer.connections.get()).isEqualTo(1);
            System.out.printf("shared connection: %.0f frames waited for the wire%n",
                    relay.meterRegistry().counter("msrp.relay.wire.waits").count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void farEndNotAnsweringGives408() throws Exception {
        peer = new TestMsrpPeer(TestMsrpPeer.Behaviour.IGNORE_DATA);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 41010, "senderto");
        RelaySessionPair p = pair(senderUri, peer.uri("silent1"));
        Path file = randomFile("t", 1000, 9);
        assertThatThrownBy(() -> sender.send(file, List.of(p.offererLeg().localPath()), senderUri, "text/plain",
                MsrpFileSender.ONE_CHUNK, WAIT))
                .isInstanceOfSatisfying(MsrpTransferException.class, e -> assertThat(e.status()).isEqualTo(408));
    }

    @Test
    void farEndDroppingTheConnectionGives481() throws Exception {
        peer = new TestMsrpPeer(TestMsrpPeer.Behaviour.CLOSE_ON_DATA);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 41011, "senderlost");
        RelaySessionPair p = pair(senderUri, peer.uri("dropper1"));
        Path file = randomFile("l", 300_000, 10);
        assertThatThrownBy(() -> sender.send(file, List.of(p.offererLeg().localPath()), senderUri, "text/plain",
                100_000, WAIT))
                .isInstanceOfSatisfying(MsrpTransferException.class, e -> assertThat(e.status()).isEqualTo(481));
    }

    @Test
    void teeSinkGetsTheSessionBytesFromTheRequestedOffset() throws Exception {
        peer = new TestMsrpPeer(TestMsrpPeer.Behaviour.ANSWER);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 41012, "sendertee");
        RelaySessionPair p = pair(senderUri, peer.uri("teed1"));
        Path file = randomFile("tee", 250_000, 11);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        List<Long> firstOffsets = new ArrayList<>();
        List<ContinuationFlag> ends = new ArrayList<>();
        long from = 100_000;
        p.offererLeg().tee(new SessionTeeSink() {
            @Override
            public void onHead(MsrpRequestHead head) {
            }

            @Override
            public void onContent(ByteBuf content, long offset) {
                if (firstOffsets.isEmpty()) {
                    firstOffsets.add(offset);
                }
                byte[] b = new byte[content.readableBytes()];
                content.getBytes(content.readerIndex(), b);
                copy.writeBytes(b);
            }

            @Override
            public void onEnd(ContinuationFlag flag) {
                ends.add(flag);
            }
        }, from);
        sender.send(file, List.of(p.offererLeg().localPath()), senderUri, "application/octet-stream", 64 * 1024, WAIT);
        byte[] all = Files.readAllBytes(file);
        assertThat(firstOffsets).containsExactly(from);
        assertThat(copy.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(all, (int) from, all.length));
        assertThat(ends).hasSize(4).last().isEqualTo(ContinuationFlag.COMPLETE);
    }

    @Test
    void answererUnreachableFailsTheBindFuture() throws Exception {
        RelaySessionPair pairToNowhere = relay.allocatePair();
        MsrpUri closedPort = MsrpUri.of(false, "127.0.0.1", 1, "nobody");
        assertThatThrownBy(() -> pairToNowhere.answererLeg().bindRemotePath(List.of(closedPort))
                .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(Exception.class);
        pairToNowhere.close();
    }

    private static StoredStreamSource memory(byte[] data, String messageId) {
        return new StoredStreamSource() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public String contentType() {
                return "application/octet-stream";
            }

            @Override
            public String messageId() {
                return messageId;
            }

            @Override
            public int read(long offset, ByteBuf target) {
                if (offset >= data.length) {
                    return -1;
                }
                int n = (int) Math.min(target.writableBytes(), data.length - offset);
                target.writeBytes(data, (int) offset, n);
                return n;
            }
        };
    }

    @Test
    void playsAStoredMessageIntoALeg() throws Exception {
        byte[] data = Files.readAllBytes(randomFile("stored", 1_100_000, 12));
        try (org.cpmft.msrp.client.MsrpFileReceiver rx = org.cpmft.msrp.client.MsrpFileReceiver.listen(
                "127.0.0.1", 0, "playrecv", tmp.resolve("played.out"))) {
            RelaySessionPair p = relay.allocatePair();
            p.answererLeg().bindRemotePath(List.of(rx.localUri())).get(5, TimeUnit.SECONDS);
            long played = p.answererLeg().play(memory(data, "stored-1"), 0, 64 * 1024).get(20, TimeUnit.SECONDS);
            org.cpmft.msrp.client.ReceiveResult got = rx.await(WAIT);
            assertThat(played).isEqualTo(data.length);
            assertThat(got.messageId()).isEqualTo("stored-1");
            assertThat(Files.readAllBytes(got.file())).isEqualTo(data);
        }
    }

    @Test
    void aSourceAskingForOneChunkInFlightIsToldEachConfirmedOffsetInOrder() throws Exception {
        byte[] data = Files.readAllBytes(randomFile("stored3", 300_000, 14));
        StoredStreamSource base = memory(data, "stored-3");
        java.util.List<Long> confirmed = new java.util.concurrent.CopyOnWriteArrayList<>();
        StoredStreamSource windowed = new StoredStreamSource() {
            @Override
            public long size() {
                return base.size();
            }

            @Override
            public String contentType() {
                return base.contentType();
            }

            @Override
            public String messageId() {
                return base.messageId();
            }

            @Override
            public int read(long offset, ByteBuf target) throws java.io.IOException {
                // never more than one chunk sent and unanswered
                assertThat(offset - (confirmed.isEmpty() ? 10_000 : confirmed.get(confirmed.size() - 1)))
                        .isLessThanOrEqualTo(64 * 1024);
                return base.read(offset, target);
            }

            @Override
            public int maxUnansweredChunks() {
                return 1;
            }

            @Override
            public void acknowledged(long endOffset) {
                confirmed.add(endOffset);
            }
        };
        try (org.cpmft.msrp.client.MsrpFileReceiver rx = org.cpmft.msrp.client.MsrpFileReceiver.listen(
                "127.0.0.1", 0, "windowrecv", tmp.resolve("windowed.out"))) {
            RelaySessionPair p = relay.allocatePair();
            p.answererLeg().bindRemotePath(List.of(rx.localUri())).get(5, TimeUnit.SECONDS);
            long played = p.answererLeg().play(windowed, 10_000, 64 * 1024).get(20, TimeUnit.SECONDS);
            assertThat(played).isEqualTo(data.length - 10_000);
        }
        java.util.List<Long> expected = new java.util.ArrayList<>();
        for (long end = 10_000 + 64 * 1024; end < data.length; end += 64 * 1024) {
            expected.add(end);
        }
        expected.add((long) data.length);
        assertThat(confirmed).isEqualTo(expected);
    }

    @Test
    void resumesPlaybackFromAByteOffset() throws Exception {
        peer = new TestMsrpPeer(TestMsrpPeer.Behaviour.ANSWER);
        byte[] data = Files.readAllBytes(randomFile("stored2", 300_000, 13));
        RelaySessionPair p = relay.allocatePair();
        p.answererLeg().bindRemotePath(List.of(peer.uri("resumed1"))).get(5, TimeUnit.SECONDS);
        long from = 123_457;
        long played = p.answererLeg().play(memory(data, "stored-2"), from, 50_000).get(20, TimeUnit.SECONDS);
        assertThat(played).isEqualTo(data.length - from);
        java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
        d.update(data, (int) from, (int) (data.length - from));
        assertThat(peer.sha256("resumed1")).isEqualTo(java.util.HexFormat.of().formatHex(d.digest()));
        assertThat(peer.completeMessages.get()).isEqualTo(1);
    }

    @Test
    void capOnPendingTransactionsThrottlesTheSenderWithoutLoss() throws Exception {
        relay.close();
        relay = MsrpRelay.start(RelayConfig.of("127.0.0.1", 0).withMaxPendingTransactions(2));
        peer = new TestMsrpPeer(TestMsrpPeer.Behaviour.ANSWER);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 41013, "sendercap");
        RelaySessionPair p = pair(senderUri, peer.uri("capped1"));
        Path file = randomFile("cap", 200_000, 14);
        SendResult r = sender.send(file, List.of(p.offererLeg().localPath()), senderUri, "text/plain", 1000, WAIT);
        assertThat(r.chunks()).isEqualTo(200);
        assertThat(peer.sha256("capped1")).isEqualTo(r.sha256());
        assertThat(relay.meterRegistry().counter("msrp.relay.pending.throttles").count())
                .isPositive();
    }

    @Test
    void sharedConnectionIsClosedWithItsLastSessionAndReopenedForTheNext() throws Exception {
        peer = new TestMsrpPeer(TestMsrpPeer.Behaviour.ANSWER);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 41014, "senderreuse");
        RelaySessionPair first = pair(senderUri, peer.uri("reuse1"));
        RelaySessionPair second = pair(senderUri, peer.uri("reuse2"));
        assertThat(peer.connections.get()).isEqualTo(1);
        first.close();
        second.close();
        RelaySessionPair third = pair(senderUri, peer.uri("reuse3"));
        assertThat(peer.connections.get()).isEqualTo(2);
        Path file = randomFile("reuse", 10_000, 15);
        SendResult r = sender.send(file, List.of(third.offererLeg().localPath()), senderUri, "text/plain",
                4096, WAIT);
        assertThat(peer.sha256("reuse3")).isEqualTo(r.sha256());
    }

    private static void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(25);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void forwardedRequestHasPathsRewrittenNewTidAndOtherHeadersUntouched() throws Exception {
        peer = new TestMsrpPeer(TestMsrpPeer.Behaviour.ANSWER);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 41015, "senderraw");
        RelaySessionPair p = pair(senderUri, peer.uri("rawpeer"));
        String to = p.offererLeg().localPath().format();
        try (RawMsrpSocket s = new RawMsrpSocket(relay.port())) {
            s.send("MSRP raw00001 SEND\r\nTo-Path: " + to + "\r\nFrom-Path: " + senderUri.format() + "\r\n"
                    + "Message-ID: abc-1\r\nX-Custom: keep me: exactly\r\nByte-Range: 1-5/5\r\n"
                    + "Success-Report: no\r\nContent-Type: text/plain\r\n\r\nhello\r\n-------raw00001$\r\n");
            assertThat(s.readUntilEndOf("raw00001")).startsWith("MSRP raw00001 200")
                    .contains("To-Path: " + senderUri.format()).contains("From-Path: " + to);
        }
        MsrpRequestHead seen = peer.heads.stream().filter(h -> h.hasBody()).findFirst().orElseThrow();
        assertThat(seen.transactionId()).isNotEqualTo("raw00001");
        assertThat(seen.toPath()).containsExactly(peer.uri("rawpeer"));
        assertThat(seen.fromPath()).containsExactly(p.answererLeg().localPath());
        assertThat(seen.headers().entries()).extracting(java.util.Map.Entry::getKey).containsExactly(
                "To-Path", "From-Path", "Message-ID", "X-Custom", "Byte-Range", "Success-Report", "Content-Type");
        assertThat(seen.headers().get("X-Custom")).isEqualTo("keep me: exactly");
        assertThat(seen.messageId()).isEqualTo("abc-1");
    }

    @Test
    void chunkCutShortBySenderIsEndedWithHashTowardsTheFarEnd() throws Exception {
        peer = new TestMsrpPeer(TestMsrpPeer.Behaviour.ANSWER);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 41016, "sendercut");
        RelaySessionPair p = pair(senderUri, peer.uri("cutpeer"));
        String to = p.offererLeg().localPath().format();
        try (RawMsrpSocket s = new RawMsrpSocket(relay.port())) {
            s.send("MSRP cut00001 SEND\r\nTo-Path: " + to + "\r\nFrom-Path: " + senderUri.format() + "\r\n"
                    + "Message-ID: cut-1\r\nByte-Range: 1-*/1000\r\nContent-Type: text/plain\r\n\r\n"
                    + "only part of the body");
            eventually(() -> peer.bytes.getOrDefault("cutpeer", 0L) == 21);
        }
        eventually(() -> peer.flags.contains(ContinuationFlag.ABORTED));
        assertThat(peer.completeMessages.get()).isZero();
    }

    @Test
    void failureReportPartialGetsAReportWhenTheFarEndIsLost() throws Exception {
        peer = new TestMsrpPeer(TestMsrpPeer.Behaviour.CLOSE_ON_DATA);
        MsrpUri senderUri = MsrpUri.of(false, "127.0.0.1", 41017, "senderpl");
        RelaySessionPair p = pair(senderUri, peer.uri("plpeer"));
        String to = p.offererLeg().localPath().format();
        try (RawMsrpSocket s = new RawMsrpSocket(relay.port())) {
            s.send(RawMsrpSocket.send("pl000001", to, senderUri.format(), "Failure-Report: partial\r\n", "data"));
            String report = s.readUntil(t -> t.contains("Status:") && t.endsWith("$\r\n"));
            assertThat(report).startsWith("MSRP ").contains(" REPORT\r\n").contains("Status: 000 481")
                    .contains("Message-ID: m-pl000001").contains("Byte-Range: 1-4/4");
        }
    }
}
