package org.cpmft.pf.cpm.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import org.cpmft.pf.cpm.Samples;
import org.cpmft.pf.cpm.sdp.StreamChanges.Change;
import org.junit.jupiter.api.Test;

class StreamChangesTest {

    /** The agreed session: Alice pushes a.txt (ft1) and b.bin (ft2), Bob accepts both. */
    private static final String OFFER = Samples.crlf("""
            v=0
            o=alice 1 1 IN IP4 192.0.2.1
            s=-
            c=IN IP4 192.0.2.1
            t=0 0
            m=message 7777 TCP/MSRP *
            a=sendonly
            a=accept-types:*
            a=path:msrp://192.0.2.1:7777/a1;tcp
            a=file-selector:name:"a.txt" type:text/plain size:10
            a=file-transfer-id:ft1
            m=message 7777 TCP/MSRP *
            a=sendonly
            a=accept-types:*
            a=path:msrp://192.0.2.1:7777/a2;tcp
            a=file-selector:name:"b.bin" type:application/octet-stream size:2000
            a=file-transfer-id:ft2
            """);
    private static final String ANSWER = Samples.crlf("""
            v=0
            o=bob 2 2 IN IP4 198.51.100.7
            s=-
            c=IN IP4 198.51.100.7
            t=0 0
            m=message 8888 TCP/MSRP *
            a=recvonly
            a=accept-types:*
            a=path:msrp://198.51.100.7:8888/b1;tcp
            a=file-selector:name:"a.txt" type:text/plain size:10
            a=file-transfer-id:ft1
            m=message 8888 TCP/MSRP *
            a=recvonly
            a=accept-types:*
            a=path:msrp://198.51.100.7:8888/b2;tcp
            a=file-selector:name:"b.bin" type:application/octet-stream size:2000
            a=file-transfer-id:ft2
            """);

    private static StreamChanges compare(String answer, String newOffer) {
        return StreamChanges.between(SdpSession.parse(OFFER), SdpSession.parse(answer), SdpSession.parse(newOffer));
    }

    private static StreamChanges compare(String newOffer) {
        return compare(ANSWER, newOffer);
    }

    @Test
    void theSameOfferChangesNothing() {
        StreamChanges c = compare(OFFER.replace("o=alice 1 1", "o=alice 1 2"));
        assertThat(c.all()).extracting(StreamChanges.StreamChange::change).containsExactly(Change.KEEP, Change.KEEP);
        assertThat(c.isUnchanged()).isTrue();
        assertThat(c.problem()).isEmpty();
    }

    @Test
    void theSameIdWithOtherAttributesIsTheSameTransfer() {
        // RFC 5547 section 8: the file-transfer-id, not the rest of the m-line, names the transfer.
        StreamChanges c = compare(OFFER.replace("a=path:msrp://192.0.2.1:7777/a1;tcp", "a=path:msrp://192.0.2.1:7777/zz;tcp"));
        assertThat(c.of(0)).isEqualTo(Change.KEEP);
    }

    @Test
    void aNewIdInAReusedMlineIsANewTransfer() {
        StreamChanges c = compare(OFFER.replace("a=file-transfer-id:ft2", "a=file-transfer-id:ft3")
                .replace("b.bin", "c.bin"));
        assertThat(c.of(0)).isEqualTo(Change.KEEP);
        assertThat(c.of(1)).isEqualTo(Change.REPLACE);
        assertThat(c.of(1).isNewTransfer()).isTrue();
        assertThat(c.indexes(Change.REPLACE)).containsExactly(1);
        assertThat(c.isUnchanged()).isFalse();
    }

    @Test
    void portZeroClosesTheStream() {
        StreamChanges c = compare(OFFER.replace("m=message 7777 TCP/MSRP *\r\na=sendonly\r\na=accept-types:*\r\na=path:msrp://192.0.2.1:7777/a2",
                "m=message 0 TCP/MSRP *\r\na=sendonly\r\na=accept-types:*\r\na=path:msrp://192.0.2.1:7777/a2"));
        assertThat(c.of(0)).isEqualTo(Change.KEEP);
        assertThat(c.of(1)).isEqualTo(Change.CLOSE);
        assertThat(c.of(1).isNewTransfer()).isFalse();
    }

    @Test
    void aStreamTheAnswerRefusedWasNotOpen() {
        String refused = ANSWER.replace("m=message 8888 TCP/MSRP *\r\na=recvonly\r\na=accept-types:*\r\na=path:msrp://198.51.100.7:8888/b2",
                "m=message 0 TCP/MSRP *\r\na=recvonly\r\na=accept-types:*\r\na=path:msrp://198.51.100.7:8888/b2");
        // Offered again with the same id: the m-line was closed, so this opens it (a new transfer).
        assertThat(compare(refused, OFFER).of(1)).isEqualTo(Change.OPEN);
        // Left closed: nothing to anchor.
        assertThat(compare(refused, OFFER.replace("m=message 7777 TCP/MSRP *\r\na=sendonly\r\na=accept-types:*\r\na=path:msrp://192.0.2.1:7777/a2",
                "m=message 0 TCP/MSRP *\r\na=sendonly\r\na=accept-types:*\r\na=path:msrp://192.0.2.1:7777/a2")).of(1))
                .isEqualTo(Change.NONE);
    }

    @Test
    void anAddedMlineIsANewTransfer() {
        String third = OFFER + Samples.crlf("""
                m=message 7777 TCP/MSRP *
                a=sendonly
                a=accept-types:*
                a=path:msrp://192.0.2.1:7777/a3;tcp
                a=file-selector:name:"d.bin" type:application/octet-stream size:5
                a=file-transfer-id:ft4
                """);
        StreamChanges c = compare(third);
        assertThat(c.all()).extracting(StreamChanges.StreamChange::change)
                .containsExactly(Change.KEEP, Change.KEEP, Change.OPEN);
        SdpSession answer = SdpSession.parse(ANSWER + Samples.crlf("""
                m=message 0 TCP/MSRP *
                a=recvonly
                a=file-selector:name:"d.bin" type:application/octet-stream size:5
                a=file-transfer-id:ft4
                """));
        assertThat(c.newTransfersAccepted(answer)).isEmpty();
        assertThat(c.newTransfersAccepted(SdpSession.parse(ANSWER + Samples.crlf("""
                m=message 8888 TCP/MSRP *
                a=recvonly
                a=path:msrp://198.51.100.7:8888/b3;tcp
                a=file-transfer-id:ft4
                """)))).containsExactly(2);
    }

    @Test
    void aStreamThatIsNoLongerMsrpIsClosedAndOtherMediaAreLeftAlone() {
        String audio = OFFER.replace("m=message 7777 TCP/MSRP *\r\na=sendonly\r\na=accept-types:*\r\na=path:msrp://192.0.2.1:7777/a2",
                "m=audio 49170 RTP/AVP 0\r\na=sendonly\r\na=accept-types:*\r\na=path:msrp://192.0.2.1:7777/a2");
        assertThat(compare(audio).of(1)).isEqualTo(Change.CLOSE);
        assertThat(StreamChanges.between(SdpSession.parse(audio), SdpSession.parse(ANSWER), SdpSession.parse(audio)).of(1))
                .isEqualTo(Change.NONE);
    }

    @Test
    void missingIdsCompareEqual() {
        String noIds = OFFER.replace("a=file-transfer-id:ft1\r\n", "");
        assertThat(StreamChanges.between(SdpSession.parse(noIds), SdpSession.parse(ANSWER), SdpSession.parse(noIds)).of(0))
                .isEqualTo(Change.KEEP);
        assertThat(StreamChanges.between(SdpSession.parse(noIds), SdpSession.parse(ANSWER), SdpSession.parse(OFFER)).of(0))
                .isEqualTo(Change.REPLACE);
    }

    @Test
    void aNewOfferWithFewerMlinesDoesNotFit() {
        String one = OFFER.substring(0, OFFER.indexOf("m=message 7777 TCP/MSRP *\r\na=sendonly\r\na=accept-types:*\r\na=path:msrp://192.0.2.1:7777/a2"));
        StreamChanges c = compare(one);
        assertThat(c.problem()).map(SdpProblem::code).contains(SdpProblem.Code.FEWER_MEDIA_IN_REOFFER);
        assertThat(c.problem().get().message()).contains("RFC 3264 section 8").contains("session 2, new offer 1");
        assertThat(c.all()).isEmpty();
    }
}
