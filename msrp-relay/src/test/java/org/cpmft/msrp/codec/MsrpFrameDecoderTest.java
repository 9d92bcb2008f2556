package org.cpmft.msrp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cpmft.msrp.message.ByteRange;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.FailureReport;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpUri;
import org.junit.jupiter.api.Test;

class MsrpFrameDecoderTest {
    private static final String SEND_HEAD = "MSRP a786hjs2 SEND\r\n"
            + "To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp\r\n"
            + "From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp\r\n"
            + "Message-ID: 87652491\r\n"
            + "Byte-Range: 1-25/25\r\n"
            + "X-Vendor: kept as is\r\n"
            + "Failure-Report: partial\r\n"
            + "Content-Type: text/plain\r\n"
            + "\r\n";

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new MsrpFrameDecoder(new MsrpDecoderLimits(1024, 10)));
    }

    private static List<DecodedFrame> decode(byte[]... reads) {
        EmbeddedChannel ch = channel();
        for (byte[] r : reads) {
            ch.writeInbound(Unpooled.wrappedBuffer(r));
        }
        List<DecodedFrame> frames = DecodedFrame.drain(ch);
        ch.finishAndReleaseAll();
        return frames;
    }

    @Test
    void decodesSendWithHeadersInOrderAndTypedAccessors() {
        List<DecodedFrame> frames = decode(ascii(SEND_HEAD + "Hey Bob, are you there?\r\n" + "\r\n-------a786hjs2$\r\n"));
        assertThat(frames).hasSize(1);
        DecodedFrame f = frames.get(0);
        MsrpRequestHead head = (MsrpRequestHead) f.head();
        assertThat(head.transactionId()).isEqualTo("a786hjs2");
        assertThat(head.method()).isEqualTo("SEND");
        assertThat(head.hasBody()).isTrue();
        assertThat(head.headers().entries()).extracting(Map.Entry::getKey).containsExactly(
                "To-Path", "From-Path", "Message-ID", "Byte-Range", "X-Vendor", "Failure-Report", "Content-Type");
        assertThat(head.headers().get("x-vendor")).isEqualTo("kept as is");
        assertThat(head.toPath()).containsExactly(MsrpUri.parse("msrp://bob.example.com:8888/9di4eae923wzd;tcp"));
        assertThat(head.byteRange()).isEqualTo(new ByteRange(1, 25, 25));
        assertThat(head.failureReport()).isEqualTo(FailureReport.PARTIAL);
        assertThat(head.successReport()).isFalse();
        assertThat(new String(f.body(), StandardCharsets.UTF_8)).isEqualTo("Hey Bob, are you there?\r\n");
        assertThat(f.flag()).isEqualTo(ContinuationFlag.COMPLETE);
    }

    @Test
    void decodesFramesWithoutBodyAndResponses() {
        String empty = "MSRP d93kswow SEND\r\nTo-Path: msrp://b:1/s1;tcp\r\nFrom-Path: msrp://a:2/s2;tcp\r\n"
                + "Message-ID: 12339sdqwer\r\nByte-Range: 1-0/0\r\n-------d93kswow$\r\n";
        String response = "MSRP d93kswow 200 OK\r\nTo-Path: msrp://a:2/s2;tcp\r\nFrom-Path: msrp://b:1/s1;tcp\r\n"
                + "-------d93kswow$\r\n";
        List<DecodedFrame> frames = decode(ascii(empty + response));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).head().hasBody()).isFalse();
        assertThat(frames.get(0).body()).isEmpty();
        MsrpResponseHead r = (MsrpResponseHead) frames.get(1).head();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.comment()).isEqualTo("OK");
    }

    @Test
    void endLineSplitAtEveryOffsetIsFound() {
        byte[] frame = ascii(SEND_HEAD + "0123456789012345678901234" + "\r\n-------a786hjs2+\r\n");
        for (int split = 1; split < frame.length; split++) {
            byte[] a = java.util.Arrays.copyOfRange(frame, 0, split);
            byte[] b = java.util.Arrays.copyOfRange(frame, split, frame.length);
            List<DecodedFrame> frames = decode(a, b);
            assertThat(frames).as("split at %d", split).hasSize(1);
            assertThat(new String(frames.get(0).body(), StandardCharsets.US_ASCII))
                    .as("split at %d", split).isEqualTo("0123456789012345678901234");
            assertThat(frames.get(0).flag()).isEqualTo(ContinuationFlag.MORE);
        }
    }

    @Test
    void bodyBytesThatLookLikeAPartialEndLinePassThrough() {
        String tricky = "a\r\n-------a786hjs2X\r\n-------a786hjs2$X\r\n-------other1234$\r\n-------a786hjs\r\n"
                + "\r\n-------a786hjs2";
        byte[] frame = ascii(SEND_HEAD + tricky + "\r\n-------a786hjs2#\r\n");
        for (int split = SEND_HEAD.length(); split < frame.length; split++) {
            List<DecodedFrame> frames = decode(java.util.Arrays.copyOfRange(frame, 0, split),
                    java.util.Arrays.copyOfRange(frame, split, frame.length));
            assertThat(frames).hasSize(1);
            assertThat(new String(frames.get(0).body(), StandardCharsets.US_ASCII)).isEqualTo(tricky);
            assertThat(frames.get(0).flag()).isEqualTo(ContinuationFlag.ABORTED);
        }
    }

    @Test
    void streamsBodyInPiecesWithoutWaitingForTheEnd() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(ascii(SEND_HEAD + "first piece ")));
        assertThat((Object) ch.readInbound()).isInstanceOf(MsrpRequestHead.class);
        org.cpmft.msrp.message.MsrpContent piece = ch.readInbound();
        assertThat(piece.content().toString(StandardCharsets.US_ASCII)).isEqualTo("first piece ");
        piece.release();
        ch.writeInbound(Unpooled.wrappedBuffer(ascii("second\r\n-------a786hjs2$\r\n")));
        org.cpmft.msrp.message.LastMsrpContent last = ch.readInbound();
        assertThat(last.content().toString(StandardCharsets.US_ASCII)).isEqualTo("second");
        assertThat(last.flag()).isEqualTo(ContinuationFlag.COMPLETE);
        last.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void randomChunkBoundariesOverManyFramesPreserveEveryByte() {
        Random random = new Random(4975);
        List<byte[]> bodies = new ArrayList<>();
        StringBuilder wire = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            byte[] body = new byte[random.nextInt(3000)];
            for (int k = 0; k < body.length; k++) {
                // Bias towards CR, LF and '-' so partial end-lines occur often.
                int r = random.nextInt(8);
                body[k] = (byte) (r == 0 ? '\r' : r == 1 ? '\n' : r == 2 ? '-' : random.nextInt(256));
            }
            bodies.add(body);
            String tid = "tid" + i + "x";
            wire.append("MSRP ").append(tid).append(" SEND\r\nTo-Path: msrp://b:1/s1;tcp\r\n")
                    .append("From-Path: msrp://a:2/s2;tcp\r\nMessage-ID: m").append(i)
                    .append("\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .append(new String(body, StandardCharsets.ISO_8859_1))
                    .append("\r\n-------").append(tid).append("$\r\n");
        }
        byte[] all = ascii(wire.toString());
        for (int round = 0; round < 20; round++) {
            EmbeddedChannel ch = channel();
            int pos = 0;
            while (pos < all.length) {
                int n = Math.min(all.length - pos, 1 + random.nextInt(round < 10 ? 50 : 5000));
                ch.writeInbound(Unpooled.wrappedBuffer(all, pos, n));
                pos += n;
            }
            List<DecodedFrame> frames = DecodedFrame.drain(ch);
            assertThat(frames).hasSize(bodies.size());
            for (int i = 0; i < bodies.size(); i++) {
                assertThat(frames.get(i).body()).as("frame %d", i).isEqualTo(bodies.get(i));
            }
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void badStartLineLosesFraming() {
        List<DecodedFrame> frames = decode(ascii("HTTP/1.1 200 OK\r\n\r\n" + SEND_HEAD + "x\r\n-------a786hjs2$\r\n"));
        assertThat(frames).hasSize(1);
        MsrpDecodingFailure f = frames.get(0).failure();
        assertThat(f.framingLost()).isTrue();
        assertThat(f.answerable()).isFalse();
    }

    @Test
    void missingTransactionIdLosesFraming() {
        List<DecodedFrame> frames = decode(ascii("MSRP  SEND\r\nTo-Path: msrp://b:1/s;tcp\r\n"));
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.failure().framingLost()).isTrue();
            assertThat(f.failure().transactionId()).isNull();
        });
    }

    @Test
    void startLineWithoutEndWithinLimitLosesFraming() {
        List<DecodedFrame> frames = decode(ascii("MSRP " + "a".repeat(2000)));
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.failure().framingLost()).isTrue());
    }

    @Test
    void headerSectionTooLargeIsAnswerableAndNextFrameDecodes() {
        String big = "MSRP big12345 SEND\r\nTo-Path: msrp://b:1/s1;tcp\r\nFrom-Path: msrp://a:2/s2;tcp\r\n"
                + "X-Big: " + "y".repeat(2000) + "\r\nContent-Type: text/plain\r\n\r\nbody\r\n-------big12345$\r\n";
        List<DecodedFrame> frames = decode(ascii(big + SEND_HEAD + "ok\r\n-------a786hjs2$\r\n"));
        assertThat(frames).hasSize(2);
        MsrpDecodingFailure f = frames.get(0).failure();
        assertThat(f.answerable()).isTrue();
        assertThat(f.framingLost()).isFalse();
        assertThat(f.transactionId()).isEqualTo("big12345");
        assertThat(f.headers().get("From-Path")).isEqualTo("msrp://a:2/s2;tcp");
        assertThat(frames.get(1).head().transactionId()).isEqualTo("a786hjs2");
    }

    @Test
    void tooManyHeadersIsAnswerable() {
        StringBuilder sb = new StringBuilder("MSRP many1234 SEND\r\nTo-Path: msrp://b:1/s1;tcp\r\n"
                + "From-Path: msrp://a:2/s2;tcp\r\n");
        for (int i = 0; i < 20; i++) {
            sb.append("X-H").append(i).append(": v\r\n");
        }
        sb.append("-------many1234$\r\n");
        List<DecodedFrame> frames = decode(ascii(sb + SEND_HEAD + "ok\r\n-------a786hjs2$\r\n"));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).failure().reason()).contains("headers");
        assertThat(frames.get(0).failure().answerable()).isTrue();
        assertThat(frames.get(1).head()).isNotNull();
    }

    @Test
    void badByteRangeIsAnswerableAndBodySkipped() {
        for (String bad : new String[] {"0-10/10", "5-2/10", "1-20/10", "a-b/c", "1-10", "*-1/2"}) {
            String frame = "MSRP br123456 SEND\r\nTo-Path: msrp://b:1/s1;tcp\r\nFrom-Path: msrp://a:2/s2;tcp\r\n"
                    + "Message-ID: m1\r\nByte-Range: " + bad + "\r\nContent-Type: text/plain\r\n\r\n"
                    + "data\r\n-------br123456$\r\n";
            List<DecodedFrame> frames = decode(ascii(frame + SEND_HEAD + "ok\r\n-------a786hjs2$\r\n"));
            assertThat(frames).as(bad).hasSize(2);
            assertThat(frames.get(0).failure().reason()).as(bad).containsIgnoringCase("range");
            assertThat(frames.get(1).head().transactionId()).isEqualTo("a786hjs2");
        }
    }

    @Test
    void missingPathsAndBadHeaderValuesAreAnswerable() {
        String[] frames = {
            "MSRP nopath12 SEND\r\nMessage-ID: 1\r\n-------nopath12$\r\n",
            "MSRP fr123456 SEND\r\nTo-Path: msrp://b:1/s;tcp\r\nFrom-Path: msrp://a:2/t;tcp\r\nMessage-ID: 1\r\n"
                    + "Failure-Report: maybe\r\n-------fr123456$\r\n",
            "MSRP uri12345 SEND\r\nTo-Path: http://b/s\r\nFrom-Path: msrp://a:2/t;tcp\r\nMessage-ID: 1\r\n"
                    + "-------uri12345$\r\n",
            "MSRP line1234 SEND\r\nTo-Path: msrp://b:1/s;tcp\r\nno colon here\r\nFrom-Path: msrp://a:2/t;tcp\r\n"
                    + "-------line1234$\r\n",
            "MSRP meth1234 send\r\nTo-Path: msrp://b:1/s;tcp\r\nFrom-Path: msrp://a:2/t;tcp\r\n-------meth1234$\r\n",
        };
        for (String frame : frames) {
            List<DecodedFrame> out = decode(ascii(frame + SEND_HEAD + "ok\r\n-------a786hjs2$\r\n"));
            assertThat(out).as(frame).hasSize(2);
            assertThat(out.get(0).failure()).as(frame).isNotNull();
            assertThat(out.get(0).failure().answerable()).as(frame).isTrue();
            assertThat(out.get(1).head()).as(frame).isNotNull();
        }
    }

    @Test
    void endLineOfAnotherTransactionInHeadersLosesFraming() {
        List<DecodedFrame> frames = decode(ascii("MSRP abcd1234 SEND\r\nTo-Path: msrp://b:1/s;tcp\r\n"
                + "From-Path: msrp://a:2/t;tcp\r\n-------zzzz9999$\r\n"));
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.failure().framingLost()).isTrue();
            assertThat(f.failure().transactionId()).isEqualTo("abcd1234");
        });
    }

    @Test
    void emptyDataRightAfterBlankLineIsAccepted() {
        List<DecodedFrame> frames = decode(ascii("MSRP e1234567 SEND\r\nTo-Path: msrp://b:1/s;tcp\r\n"
                + "From-Path: msrp://a:2/t;tcp\r\nMessage-ID: 1\r\nContent-Type: text/plain\r\n\r\n"
                + "-------e1234567$\r\n"));
        assertThat(frames).singleElement().satisfies(f -> assertThat(f.body()).isEmpty());
    }
}
