package org.cpmft.pf.cpm.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import org.cpmft.pf.cpm.Samples;
import org.junit.jupiter.api.Test;

class OfferAnswerTest {

    private static final SdpSession OFFER = SdpSession.parse(Samples.TWO_FILES);

    /** Bob accepts the first file and declines the second (port 0), as RFC 5547 section 8.3 allows. */
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
            a=file-selector:type:text/plain size:10 name:"a.txt"
            a=file-transfer-id:ft1
            m=message 0 TCP/MSRP *
            a=recvonly
            a=file-selector:name:"b.bin" type:application/octet-stream size:2000
            a=file-transfer-id:ft2
            """);

    private static SdpValidation check(String answer) {
        return OfferAnswer.validateFileTransferAnswer(OFFER, SdpSession.parse(answer));
    }

    @Test
    void acceptsAMatchingAnswer() {
        SdpSession answer = SdpSession.parse(ANSWER);
        assertThat(OfferAnswer.validateFileTransferAnswer(OFFER, answer).problems()).isEmpty();
        assertThat(OfferAnswer.acceptedFileTransfers(OFFER, answer)).containsExactly(0);
        assertThat(check(ANSWER.replace("a=recvonly\r\na=accept-types", "a=inactive\r\na=accept-types")).isValid()).isTrue();
    }

    @Test
    void reportsDepartures() {
        assertThat(check(ANSWER.replace("a=path:msrp://198.51.100.7:8888/b1;tcp\r\n", "")).problems())
                .containsExactly(new SdpProblem(0, SdpProblem.Code.MISSING_PATH, ""));
        assertThat(check(ANSWER.replace("/b1;tcp", "/b1")).has(SdpProblem.Code.BAD_PATH)).isTrue();
        assertThat(check(ANSWER.replace("a=recvonly\r\na=accept-types", "a=sendonly\r\na=accept-types")).has(
                SdpProblem.Code.WRONG_ANSWER_DIRECTION)).isTrue();
        assertThat(check(ANSWER.replace("a=file-transfer-id:ft1", "a=file-transfer-id:zz")).has(
                SdpProblem.Code.FILE_TRANSFER_ID_MISMATCH)).isTrue();
        assertThat(check(ANSWER.replace("size:10", "size:11")).has(SdpProblem.Code.FILE_SELECTOR_MISMATCH)).isTrue();
        assertThat(check(ANSWER.replace("size:10", "size:x")).has(SdpProblem.Code.FILE_SELECTOR_MISMATCH)).isTrue();
        assertThat(check(ANSWER.replace("m=message 0 TCP", "m=message 9 TCP")).problems()).extracting(SdpProblem::code)
                .contains(SdpProblem.Code.MISSING_PATH);
    }

    @Test
    void onlyPathAndPairingProblemsBlockTheRelay() {
        SdpValidation mismatch = check(ANSWER.replace("size:10", "size:11").replace("a=file-transfer-id:ft1", "a=file-transfer-id:zz"));
        assertThat(mismatch.isValid()).isFalse();
        assertThat(mismatch.blocking()).isEmpty();
        SdpValidation noPath = check(ANSWER.replace("a=path:msrp://198.51.100.7:8888/b1;tcp\r\n", "").replace("size:10", "size:11"));
        assertThat(noPath.blocking()).extracting(SdpProblem::code).containsExactly(SdpProblem.Code.MISSING_PATH);
        for (SdpProblem.Code c : SdpProblem.Code.values()) {
            boolean expected = c == SdpProblem.Code.MEDIA_COUNT_MISMATCH || c == SdpProblem.Code.MISSING_PATH
                    || c == SdpProblem.Code.BAD_PATH || c == SdpProblem.Code.ANSWER_REOPENS_STREAM;
            assertThat(c.blocksRelay()).as(c.name()).isEqualTo(expected);
        }
    }

    @Test
    void mediaCountAndReopenedStreams() {
        String oneLine = ANSWER.substring(0, ANSWER.indexOf("m=message 0"));
        SdpValidation v = check(oneLine);
        assertThat(v.first().orElseThrow().code()).isEqualTo(SdpProblem.Code.MEDIA_COUNT_MISMATCH);
        assertThat(OfferAnswer.acceptedFileTransfers(OFFER, SdpSession.parse(oneLine))).containsExactly(0);
        SdpSession closedOffer = OFFER.withPort(1, 0);
        SdpValidation reopened = OfferAnswer.validateFileTransferAnswer(closedOffer,
                SdpSession.parse(ANSWER.replace("m=message 0 TCP", "m=message 9 TCP")));
        assertThat(reopened.problems()).containsExactly(new SdpProblem(1, SdpProblem.Code.ANSWER_REOPENS_STREAM, ""));
    }

    @Test
    void pullOfferWantsSendonlyAnswer() {
        SdpSession pull = SdpSession.parse(Samples.TWO_FILES.replace("a=sendonly", "a=recvonly"));
        SdpSession answer = SdpSession.parse(ANSWER.replace("a=recvonly", "a=sendonly"));
        assertThat(OfferAnswer.validateFileTransferAnswer(pull, answer).isValid()).isTrue();
        SdpSession wrong = SdpSession.parse(ANSWER);
        assertThat(OfferAnswer.validateFileTransferAnswer(pull, wrong).has(SdpProblem.Code.WRONG_ANSWER_DIRECTION)).isTrue();
    }

    @Test
    void nonFileStreamsNeedOnlyAPath() {
        SdpSession chatOffer = SdpSession.parse("v=0\r\nm=message 1 TCP/MSRP *\r\na=path:msrp://h:1/a;tcp\r\nm=audio 4000 RTP/AVP 0\r\n");
        SdpSession chatAnswer = SdpSession.parse("v=0\r\nm=message 2 TCP/MSRP *\r\na=path:msrp://g:2/b;tcp\r\nm=audio 5000 RTP/AVP 0\r\n");
        assertThat(OfferAnswer.validateFileTransferAnswer(chatOffer, chatAnswer).isValid()).isTrue();
        assertThat(OfferAnswer.acceptedFileTransfers(chatOffer, chatAnswer)).isEmpty();
    }
}
