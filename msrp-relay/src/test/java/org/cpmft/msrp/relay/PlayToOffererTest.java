package org.cpmft.msrp.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cpmft.msrp.message.MsrpUri;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Serving a pull or a resuming receiver (RFC 5547 sections 8.2, 9): the offerer connects to the relay
 * (it is the active side, RFC 4975 section 5.4) and the relay plays a stored message to it from an offset.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlayToOffererTest {
    private MsrpRelay relay;

    @BeforeEach
    void start() {
        relay = MsrpRelay.start(RelayConfig.of("127.0.0.1", 0));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void theStoredMessageIsPlayedFromTheOffsetOnceTheOffererBoundItsConnection() throws Exception {
        String text = "0123456789".repeat(100);
        MsrpUri puller = MsrpUri.of(false, "127.0.0.1", 40991, "puller1");
        RelaySessionPair pair = relay.allocatePair();
        pair.offererLeg().bindRemotePath(List.of(puller)).get(5, TimeUnit.SECONDS);
        CompletableFuture<Long> played = pair.offererLeg().playWhenConnected(memory(text, "stored-9"), 600, 64 * 1024);
        Thread.sleep(200);
        assertThat(played).as("nothing to play to before the offerer connects").isNotDone();

        String relayPath = pair.offererLeg().localPath().format();
        try (RawMsrpSocket s = new RawMsrpSocket(relay.port())) {
            s.send(RawMsrpSocket.send("bind0001", relayPath, puller.format(), "", null));
            String got = s.readUntil(t -> t.contains("MSRP bind0001 200") && t.indexOf(" SEND\r\n") >= 0
                    && t.indexOf("$\r\n", t.indexOf(" SEND\r\n")) > 0);
            Matcher send = Pattern.compile("MSRP (\\S+) SEND\r\n").matcher(got);
            assertThat(send.find()).as(got).isTrue();
            String tid = send.group(1);
            assertThat(got).contains("Byte-Range: 601-1000/1000").contains("Message-ID: stored-9")
                    .contains("To-Path: " + puller.format())
                    .contains("\r\n\r\n" + text.substring(600) + "\r\n-------" + tid + "$\r\n");
            assertThat(played).isNotDone(); // the chunk is not answered yet
            s.send("MSRP " + tid + " 200 OK\r\nTo-Path: " + relayPath + "\r\nFrom-Path: " + puller.format()
                    + "\r\n-------" + tid + "$\r\n");
            assertThat(played.get(5, TimeUnit.SECONDS)).isEqualTo(400);
        }
        pair.close();
    }

    @Test
    void aLegClosedBeforeTheOffererConnectsFailsThePlay() throws Exception {
        RelaySessionPair pair = relay.allocatePair();
        pair.offererLeg().bindRemotePath(List.of(MsrpUri.of(false, "127.0.0.1", 40992, "puller2")));
        CompletableFuture<Long> played = pair.offererLeg().playWhenConnected(memory("abc", "m"), 0, 1024);
        pair.close();
        assertThat(played).failsWithin(Duration.ofSeconds(5));
    }

    private static StoredStreamSource memory(String text, String messageId) {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        return new StoredStreamSource() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public String contentType() {
                return "text/plain";
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
}
