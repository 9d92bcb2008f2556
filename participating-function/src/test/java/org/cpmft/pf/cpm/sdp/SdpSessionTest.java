package org.cpmft.pf.cpm.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;

import org.cpmft.pf.cpm.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SdpSessionTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\n",
            "v=0\no=- 1 1 IN IP4 h\ns=-\nt=0 0\n",
            "v=0\r\no=- 1 1 IN IP4 h\ns=-\r\nt=0 0",
            "v=0\r\n\r\nx-unknown line\r\n  indented junk\r\nm=message 1 TCP/MSRP *\r\na=weird:  spaced  \r\n\r\n",
            "v=0\r\nm=audio 49170 RTP/AVP 0\r\nb=AS:64\r\nm=message 0 TCP/MSRP *\r\nz=\r\n",
            "v=0\r\na=bad\rcr inside\r\n",
            "v=0"
    })
    void roundTripIsByteExact(String text) {
        assertThat(SdpSession.parse(text).format()).isEqualTo(text);
    }

    @Test
    void roundTripOfSamples() {
        assertThat(SdpSession.parse(Samples.PUSH_OFFER).format()).isEqualTo(Samples.PUSH_OFFER);
        assertThat(SdpSession.parse(Samples.TWO_FILES).format()).isEqualTo(Samples.TWO_FILES);
        String lf = Samples.PUSH_OFFER.replace("\r\n", "\n");
        assertThat(SdpSession.parse(lf).format()).isEqualTo(lf);
    }

    @Test
    void rejectsWhatIsNotSdp() {
        assertThatThrownBy(() -> SdpSession.parse("")).isInstanceOf(SdpSyntaxException.class);
        assertThatThrownBy(() -> SdpSession.parse(null)).isInstanceOf(SdpSyntaxException.class);
        assertThatThrownBy(() -> SdpSession.parse("o=- 1 1 IN IP4 h\r\nv=0\r\n")).isInstanceOf(SdpSyntaxException.class)
                .hasMessageContaining("v=");
        assertThatThrownBy(() -> SdpSession.parse("v=0\r\nm=message x TCP/MSRP *\r\n"))
                .isInstanceOfSatisfying(SdpSyntaxException.class, e -> assertThat(e.code()).isEqualTo(SdpProblem.Code.MALFORMED_SDP));
        assertThatThrownBy(() -> SdpSession.parse("v=0\r\nm=message 70000 TCP/MSRP *\r\n")).isInstanceOf(SdpSyntaxException.class);
        assertThatThrownBy(() -> SdpSession.parse("v=0\r\nm=message 1 TCP/MSRP\r\n")).isInstanceOf(SdpSyntaxException.class);
    }

    @Test
    void readsSessionAndMediaStructure() {
        SdpSession s = SdpSession.parse(Samples.PUSH_OFFER);
        assertThat(s.sessionLines()).hasSize(5);
        assertThat(s.media()).hasSize(1);
        assertThat(s.origin().orElseThrow().sessionVersion()).isEqualTo("2890844526");
        assertThat(s.sessionConnection().orElseThrow().address()).isEqualTo("host.atlanta.example.com");
        assertThat(s.connection(0).orElseThrow().addrType()).isEqualTo("IP4");
        MediaDescription m = s.media(0);
        assertThat(m.mediaLine()).isEqualTo(new MediaLine("message", 7654, 0, "TCP/MSRP", List.of("*")));
        assertThat(m.isMsrp()).isTrue();
        assertThat(m.isFileTransfer()).isTrue();
        assertThat(m.isClosed()).isFalse();
        assertThatThrownBy(() -> s.media(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void readsRfc5547Attributes() {
        MediaDescription m = SdpSession.parse(Samples.PUSH_OFFER).media(0);
        assertThat(m.path()).containsExactly("msrp://atlanta.example.com:7654/jshA7we;tcp");
        assertThat(m.acceptTypes()).containsExactly("message/cpim");
        assertThat(m.acceptWrappedTypes()).containsExactly("*");
        FileSelector fs = m.fileSelector().orElseThrow();
        assertThat(fs.name()).contains("My cool picture.jpg");
        assertThat(fs.type()).contains("image/jpeg");
        assertThat(fs.size()).hasValue(32349);
        assertThat(fs.hash().orElseThrow().value()).isEqualTo(Samples.HASH);
        assertThat(m.fileTransferId()).contains("vBnG916bdberum2fFEABR1FR3ExZMUrd");
        assertThat(m.fileDisposition()).contains("render");
        assertThat(m.fileDate().orElseThrow().creation()).contains("Mon, 15 May 2006 15:01:31 +0300");
        assertThat(m.fileIconContentId()).contains("id2@alicepc.example.com");
        assertThat(m.fileRange()).isEmpty();
        assertThat(m.setup()).contains(Setup.ACTPASS);
        assertThat(m.maxSize()).hasValue(1048576);
        assertThat(m.explicitDirections()).containsExactly(Direction.SENDONLY);
        assertThat(m.attribute("x-vendor")).contains("keep me");
        assertThat(m.attributeValues("nothing")).isEmpty();
    }

    @Test
    void directionInheritsFromSessionLevelThenDefaultsToSendrecv() {
        SdpSession s = SdpSession.parse("v=0\r\na=recvonly\r\nm=message 1 TCP/MSRP *\r\nm=message 2 TCP/MSRP *\r\na=inactive\r\n");
        assertThat(s.direction(0)).isEqualTo(Direction.RECVONLY);
        assertThat(s.direction(1)).isEqualTo(Direction.INACTIVE);
        assertThat(s.sessionDirections()).containsExactly(Direction.RECVONLY);
        assertThat(SdpSession.parse("v=0\r\nm=message 1 TCP/MSRP *\r\n").direction(0)).isEqualTo(Direction.SENDRECV);
    }

    @Test
    void listsFileTransferAndMsrpStreams() {
        String sdp = Samples.crlf("""
                v=0
                m=audio 4000 RTP/AVP 0
                m=message 2855 TCP/MSRP *
                a=path:msrp://h:2855/a;tcp
                m=message 0 TCP/MSRP *
                a=file-selector:name:"old.txt"
                m=message 2856 TCP/TLS/MSRP *
                a=file-selector:name:"x"
                m=message 2857 tcp/msrp *
                a=file-selector:size:1
                """);
        SdpSession s = SdpSession.parse(sdp);
        assertThat(s.fileTransferStreams()).containsExactly(3, 4);
        assertThat(s.msrpStreams()).containsExactly(1, 3, 4);
        assertThat(s.media(3).mediaLine().isSecureMsrp()).isTrue();
        assertThat(s.media(2).isClosed()).isTrue();
        assertThat(s.media(0).isMsrp()).isFalse();
    }

    @Test
    void rewritesPathKeepingEverythingElse() {
        SdpSession s = SdpSession.parse(Samples.PUSH_OFFER);
        SdpSession r = s.withPath(0, List.of("msrp://pf.example.net:2855/r3l4y;tcp"));
        assertThat(r.media(0).path()).containsExactly("msrp://pf.example.net:2855/r3l4y;tcp");
        assertThat(r.format()).isEqualTo(Samples.PUSH_OFFER.replace(
                "a=path:msrp://atlanta.example.com:7654/jshA7we;tcp", "a=path:msrp://pf.example.net:2855/r3l4y;tcp"));
        SdpSession two = s.withPath(0, List.of("msrp://r1:1/a;tcp", "msrp://bob:2/b;tcp"));
        assertThat(two.media(0).path()).containsExactly("msrp://r1:1/a;tcp", "msrp://bob:2/b;tcp");
        assertThat(s.media(0).path()).containsExactly("msrp://atlanta.example.com:7654/jshA7we;tcp");
        assertThatThrownBy(() -> s.withPath(0, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.withPath(0, List.of("http://x/y"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addsPathWhenMissingAndMergesDuplicates() {
        String noPathNoFinalEol = "v=0\r\nm=message 1 TCP/MSRP *\r\na=sendonly";
        SdpSession r = SdpSession.parse(noPathNoFinalEol).withPath(0, List.of("msrp://h:1/s;tcp"));
        assertThat(r.format()).isEqualTo("v=0\r\nm=message 1 TCP/MSRP *\r\na=sendonly\r\na=path:msrp://h:1/s;tcp");
        String twoPaths = "v=0\nm=message 1 TCP/MSRP *\na=path:msrp://a:1/x;tcp\na=sendonly\na=path:msrp://b:1/y;tcp\n";
        SdpSession merged = SdpSession.parse(twoPaths);
        assertThat(merged.media(0).path()).containsExactly("msrp://a:1/x;tcp", "msrp://b:1/y;tcp");
        assertThat(merged.withPath(0, List.of("msrp://h:1/s;tcp")).format())
                .isEqualTo("v=0\nm=message 1 TCP/MSRP *\na=path:msrp://h:1/s;tcp\na=sendonly\n");
    }

    @Test
    void removingLastLineKeepsFinalTerminatorShape() {
        String text = "v=0\r\nm=message 1 TCP/MSRP *\r\na=x\r\na=file-icon:cid:a@b";
        assertThat(SdpSession.parse(text).withoutMediaAttribute(0, "file-icon").format())
                .isEqualTo("v=0\r\nm=message 1 TCP/MSRP *\r\na=x");
        String text2 = "v=0\r\nm=message 1 TCP/MSRP *\r\na=file-icon:cid:a@b\r\n";
        assertThat(SdpSession.parse(text2).withoutMediaAttribute(0, "FILE-ICON").format())
                .isEqualTo("v=0\r\nm=message 1 TCP/MSRP *\r\n");
    }

    @Test
    void portZeroClosesAStream() {
        SdpSession s = SdpSession.parse(Samples.TWO_FILES);
        SdpSession closed = s.withPort(1, 0);
        assertThat(closed.media(1).isClosed()).isTrue();
        assertThat(closed.media(1).lines().get(0).content()).isEqualTo("m=message 0 TCP/MSRP *");
        assertThat(closed.fileTransferStreams()).containsExactly(0);
        assertThat(closed.media(0)).isEqualTo(s.media(0));
        assertThat(SdpSession.parse("v=0\nm=audio 4000/2 RTP/AVP 0 8\n").withPort(0, 5000).format())
                .isEqualTo("v=0\nm=audio 5000/2 RTP/AVP 0 8\n");
    }

    @Test
    void pointsAStreamAtTheRelay() {
        SdpSession s = SdpSession.parse(Samples.PUSH_OFFER)
                .withMsrpEndpoint(0, "192.0.2.10", 2855, List.of("msrp://192.0.2.10:2855/abc;tcp"));
        MediaDescription m = s.media(0);
        assertThat(m.port()).isEqualTo(2855);
        assertThat(m.connection()).contains(new Connection("IN", "IP4", "192.0.2.10"));
        assertThat(s.connection(0).orElseThrow().address()).isEqualTo("192.0.2.10");
        // c= goes after m= and i= (RFC 4566 section 5 order)
        assertThat(m.lines().get(1).content()).startsWith("i=");
        assertThat(m.lines().get(2).content()).isEqualTo("c=IN IP4 192.0.2.10");
        SdpSession again = s.withMsrpEndpoint(0, "2001:db8::1", 2856, List.of("msrp://[2001:db8::1]:2856/abc;tcp"));
        assertThat(again.media(0).connection()).contains(new Connection("IN", "IP6", "2001:db8::1"));
        assertThat(again.media(0).lines().stream().filter(l -> l.type() == 'c')).hasSize(1);
    }

    @Test
    void replacesOriginAndDirection() {
        SdpSession s = SdpSession.parse(Samples.PUSH_OFFER);
        Origin o = new Origin("pf", "42", "1", "IN", "IP4", "192.0.2.10");
        assertThat(s.withOrigin(o).origin()).contains(o);
        assertThat(Origin.parse(o.format())).isEqualTo(o);
        assertThatThrownBy(() -> SdpSession.parse("v=0\r\n").withOrigin(o)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Origin.parse("a b")).isInstanceOf(SdpSyntaxException.class);
        MediaDescription m = s.media(0).withDirection(Direction.RECVONLY);
        assertThat(m.explicitDirections()).containsExactly(Direction.RECVONLY);
        assertThat(Direction.SENDONLY.answer()).isEqualTo(Direction.RECVONLY);
        assertThat(Direction.RECVONLY.answer()).isEqualTo(Direction.SENDONLY);
        assertThat(Direction.INACTIVE.answer()).isEqualTo(Direction.INACTIVE);
        assertThat(Direction.fromAttributeName("SendOnly")).contains(Direction.SENDONLY);
        assertThat(Direction.fromAttributeName(null)).isEmpty();
    }

    @Test
    void setsAttributes() {
        MediaDescription m = SdpSession.parse(Samples.PUSH_OFFER).media(0)
                .withAttribute("file-range", FileRange.resumingAfter(1000).format())
                .withAttribute("max-size", "10");
        assertThat(m.fileRange()).contains(new FileRange(1001, OptionalLong.empty()));
        assertThat(m.maxSize()).hasValue(10);
        assertThat(m.withAttribute("flag", null).hasAttribute("flag")).isTrue();
        assertThat(m.withAttribute("flag", null).attribute("flag")).contains("");
    }

    @Test
    void malformedAttributesSurfaceWhenRead() {
        MediaDescription m = SdpSession.parse("v=0\r\nm=message 1 TCP/MSRP *\r\na=max-size:-1\r\na=setup:sideways\r\n"
                + "a=file-icon:http://x\r\na=file-range:0-1\r\na=file-selector:size:x\r\na=file-date:when:\"x\"\r\n").media(0);
        assertThatThrownBy(m::maxSize).isInstanceOfSatisfying(SdpSyntaxException.class,
                e -> assertThat(e.code()).isEqualTo(SdpProblem.Code.BAD_MAX_SIZE));
        assertThatThrownBy(m::setup).isInstanceOfSatisfying(SdpSyntaxException.class,
                e -> assertThat(e.code()).isEqualTo(SdpProblem.Code.BAD_SETUP));
        assertThatThrownBy(m::fileIconContentId).isInstanceOfSatisfying(SdpSyntaxException.class,
                e -> assertThat(e.code()).isEqualTo(SdpProblem.Code.BAD_FILE_ICON));
        assertThatThrownBy(m::fileRange).isInstanceOfSatisfying(SdpSyntaxException.class,
                e -> assertThat(e.code()).isEqualTo(SdpProblem.Code.BAD_FILE_RANGE));
        assertThatThrownBy(m::fileSelector).isInstanceOfSatisfying(SdpSyntaxException.class,
                e -> assertThat(e.code()).isEqualTo(SdpProblem.Code.BAD_SIZE));
        assertThatThrownBy(m::fileDate).isInstanceOfSatisfying(SdpSyntaxException.class,
                e -> assertThat(e.code()).isEqualTo(SdpProblem.Code.BAD_FILE_DATE));
    }

    @Test
    void lineAccessors() {
        SdpLine a = new SdpLine("a=path:msrp://x", "\r\n");
        assertThat(a.type()).isEqualTo('a');
        assertThat(a.attributeName()).isEqualTo("path");
        assertThat(a.attributeValue()).isEqualTo("msrp://x");
        SdpLine flag = new SdpLine("a=sendonly", "\n");
        assertThat(flag.attributeValue()).isNull();
        SdpLine junk = new SdpLine("junk", "");
        assertThat(junk.type()).isEqualTo((char) 0);
        assertThat(junk.value()).isEqualTo("junk");
        assertThat(junk.attributeName()).isNull();
        assertThat(new SdpLine("c=IN IP4 x", "").attributeValue()).isNull();
        assertThatThrownBy(() -> new SdpLine("a\nb", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SdpLine(null, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void connectionAndSetupParsing() {
        assertThat(Connection.parse("IN  IP4 10.0.0.1")).isEqualTo(new Connection("IN", "IP4", "10.0.0.1"));
        assertThatThrownBy(() -> Connection.parse("IN IP4")).isInstanceOf(SdpSyntaxException.class);
        assertThat(Connection.forHost("pf.example.net").format()).isEqualTo("IN IP4 pf.example.net");
        assertThat(Connection.forHost("[2001:db8::1]").format()).isEqualTo("IN IP6 2001:db8::1");
        assertThat(Setup.fromToken(" Passive ")).contains(Setup.PASSIVE);
        assertThat(Setup.fromToken(null)).isEmpty();
        assertThat(Setup.HOLDCONN.token()).isEqualTo("holdconn");
    }

    @Test
    void equalityFollowsContent() {
        assertThat(SdpSession.parse(Samples.PUSH_OFFER)).isEqualTo(SdpSession.parse(Samples.PUSH_OFFER))
                .hasSameHashCodeAs(SdpSession.parse(Samples.PUSH_OFFER));
        assertThat(SdpSession.parse(Samples.PUSH_OFFER)).isNotEqualTo(SdpSession.parse(Samples.TWO_FILES));
        assertThat(SdpSession.parse(Samples.PUSH_OFFER).toString()).isEqualTo(Samples.PUSH_OFFER);
    }
}
