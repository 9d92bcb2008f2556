package org.cpmft.msrp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpStatusHeader;
import org.cpmft.msrp.message.MsrpUri;
import org.junit.jupiter.api.Test;

class MsrpEncoderTest {
    private static MsrpHeaders paths() {
        return new MsrpHeaders().add("To-Path", "msrp://b.example:1/s1;tcp")
                .add("From-Path", "msrp://a.example:2/s2;tcp");
    }

    private static ByteBuf encode(Object... msgs) {
        EmbeddedChannel ch = new EmbeddedChannel(new MsrpEncoder());
        for (Object m : msgs) {
            ch.writeOutbound(m);
        }
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        ch.finishAndReleaseAll();
        return all;
    }

    @Test
    void encodesSendInPiecesExactlyAsOnTheWire() {
        MsrpRequestHead head = new MsrpRequestHead("tid12345", "SEND",
                paths().add("Message-ID", "m1").add("Byte-Range", "1-10/10").add("Content-Type", "text/plain"), true);
        ByteBuf wire = encode(head, new MsrpContent(Unpooled.copiedBuffer("01234", StandardCharsets.US_ASCII)),
                new LastMsrpContent(Unpooled.copiedBuffer("56789", StandardCharsets.US_ASCII), ContinuationFlag.COMPLETE));
        assertThat(wire.toString(StandardCharsets.US_ASCII)).isEqualTo("MSRP tid12345 SEND\r\n"
                + "To-Path: msrp://b.example:1/s1;tcp\r\nFrom-Path: msrp://a.example:2/s2;tcp\r\n"
                + "Message-ID: m1\r\nByte-Range: 1-10/10\r\nContent-Type: text/plain\r\n\r\n"
                + "0123456789\r\n-------tid12345$\r\n");
        wire.release();
    }

    @Test
    void roundTripsRequestsResponsesAndReports() {
        MsrpRequestHead send = new MsrpRequestHead("tid12345", "SEND",
                paths().add("Message-ID", "m1").add("X-Unknown", "a: b").add("Content-Type", "application/x"), true);
        MsrpResponseHead response = MsrpResponseHead.answer(send, 403, MsrpUri.parse("msrp://b.example:1/s1;tcp"));
        MsrpRequestHead report = new MsrpRequestHead("rep12345", "REPORT", paths().add("Message-ID", "m1")
                .add("Byte-Range", "1-3/3").add("Status", MsrpStatusHeader.of(200).format()), false);
        ByteBuf wire = encode(send, new LastMsrpContent(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}),
                        ContinuationFlag.MORE),
                response, LastMsrpContent.empty(ContinuationFlag.COMPLETE),
                report, LastMsrpContent.empty(ContinuationFlag.COMPLETE));
        EmbeddedChannel dec = new EmbeddedChannel(new MsrpFrameDecoder());
        dec.writeInbound(wire);
        List<DecodedFrame> frames = DecodedFrame.drain(dec);
        assertThat(frames).hasSize(3);
        assertThat(frames.get(0).head().headers().entries()).isEqualTo(send.headers().entries());
        assertThat(frames.get(0).body()).containsExactly(1, 2, 3);
        assertThat(frames.get(0).flag()).isEqualTo(ContinuationFlag.MORE);
        MsrpResponseHead r = (MsrpResponseHead) frames.get(1).head();
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.comment()).isEqualTo("Forbidden");
        assertThat(r.toPath()).isEqualTo(send.fromPath());
        assertThat(frames.get(2).head().status()).isEqualTo(MsrpStatusHeader.of(200));
        dec.finishAndReleaseAll();
    }

    @Test
    void rejectsContentOutsideAFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new MsrpEncoder());
        assertThatThrownBy(() -> ch.writeOutbound(LastMsrpContent.empty(ContinuationFlag.COMPLETE)))
                .hasMessageContaining("outside");
        ch.finishAndReleaseAll();
    }
}
