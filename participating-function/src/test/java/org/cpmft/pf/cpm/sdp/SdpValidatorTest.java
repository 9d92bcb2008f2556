package org.cpmft.pf.cpm.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import org.cpmft.pf.cpm.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SdpValidatorTest {

    private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\n";
    private static final String GOOD_MEDIA = "m=message 1 TCP/MSRP *\r\na=sendonly\r\na=accept-types:*\r\n"
            + "a=path:msrp://h:1/s;tcp\r\na=file-selector:name:\"f\" size:5\r\na=file-transfer-id:id1\r\n";

    private static SdpValidation validate(String sdp) {
        return SdpValidator.validateFileTransferOffer(SdpSession.parse(sdp));
    }

    @Test
    void samplesAreValid() {
        assertThat(validate(Samples.PUSH_OFFER).problems()).isEmpty();
        assertThat(validate(Samples.TWO_FILES).isValid()).isTrue();
        assertThat(validate(HEAD + GOOD_MEDIA).first()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a=file-selector:name:\"f\" size:5 | a=file-selector:name:\"f\" size:5x | BAD_SIZE",
            "a=file-selector:name:\"f\" size:5 | a=file-selector:name:\"f | BAD_FILE_SELECTOR",
            "a=file-selector:name:\"f\" size:5 | a=file-selector:hash:sha-1:AB | BAD_HASH",
            "a=file-selector:name:\"f\" size:5 | a=file-selector | EMPTY_FILE_SELECTOR",
            "a=file-selector:name:\"f\" size:5 | a=x-no-selector | MISSING_FILE_SELECTOR",
            "a=file-transfer-id:id1 | a=x-no-id | MISSING_FILE_TRANSFER_ID",
            "a=file-transfer-id:id1 | a=file-transfer-id:bad id | BAD_FILE_TRANSFER_ID",
            "a=file-transfer-id:id1 | a=file-transfer-id:a{NL}a=file-transfer-id:b | BAD_FILE_TRANSFER_ID",
            "a=sendonly | a=sendrecv | BAD_DIRECTION",
            "a=sendonly | a=x-none | BAD_DIRECTION",
            "a=sendonly | a=sendonly{NL}a=recvonly | CONFLICTING_DIRECTION",
            "a=path:msrp://h:1/s;tcp | a=x-nopath | MISSING_PATH",
            "a=accept-types:* | a=x-no-types | BAD_ACCEPT_TYPES",
            "a=accept-types:* | a=accept-types: | BAD_ACCEPT_TYPES",
            "a=path:msrp://h:1/s;tcp | a=path:msrp://h:1/s | BAD_PATH",
            "a=path:msrp://h:1/s;tcp | a=path:msrp://h:1/s;tcp{NL}a=max-size:big | BAD_MAX_SIZE",
            "a=path:msrp://h:1/s;tcp | a=path:msrp://h:1/s;tcp{NL}a=setup:later | BAD_SETUP",
            "a=file-transfer-id:id1 | a=file-transfer-id:id1{NL}a=file-disposition:in line | BAD_FILE_DISPOSITION",
            "a=file-transfer-id:id1 | a=file-transfer-id:id1{NL}a=file-date:creation:\"soon\" | BAD_FILE_DATE",
            "a=file-transfer-id:id1 | a=file-transfer-id:id1{NL}a=file-icon:http://x/y.png | BAD_FILE_ICON",
            "a=file-transfer-id:id1 | a=file-transfer-id:id1{NL}a=file-range:0-4 | BAD_FILE_RANGE",
            "a=file-transfer-id:id1 | a=file-transfer-id:id1{NL}a=file-range:1-6 | BAD_FILE_RANGE",
    })
    void reportsEachProblem(String from, String to, SdpProblem.Code expected) {
        // {NL} stands for a line break inside a CSV cell
        String media = GOOD_MEDIA.replace(from, to.replace("{NL}", "\r\n"));
        assertThat(media).isNotEqualTo(GOOD_MEDIA);
        SdpValidation v = validate(HEAD + media);
        assertThat(v.problems()).extracting(SdpProblem::code).contains(expected);
        assertThat(v.has(expected)).isTrue();
        assertThat(v.first().orElseThrow().mediaIndex()).isEqualTo(0);
    }

    @Test
    void sessionLevelDirectionCounts() {
        String sdp = HEAD + "a=recvonly\r\n" + GOOD_MEDIA.replace("a=sendonly\r\n", "");
        assertThat(validate(sdp).isValid()).isTrue();
        String sendrecv = HEAD + "a=sendrecv\r\n" + GOOD_MEDIA.replace("a=sendonly\r\n", "");
        assertThat(validate(sendrecv).has(SdpProblem.Code.BAD_DIRECTION)).isTrue();
        String held = HEAD + GOOD_MEDIA.replace("a=sendonly", "a=inactive");
        assertThat(validate(held).isValid()).isTrue();
    }

    @Test
    void wholeSessionProblems() {
        assertThat(validate(HEAD).first().orElseThrow().code()).isEqualTo(SdpProblem.Code.NO_MEDIA);
        assertThat(validate(HEAD + "m=audio 4000 RTP/AVP 0\r\n").first().orElseThrow())
                .isEqualTo(new SdpProblem(-1, SdpProblem.Code.NO_FILE_TRANSFER_STREAM, ""));
        assertThat(validate(HEAD + GOOD_MEDIA.replace("m=message 1", "m=message 0")).first().orElseThrow().code())
                .isEqualTo(SdpProblem.Code.NO_FILE_TRANSFER_STREAM);
    }

    @Test
    void closedAndNonMsrpStreamsAreNotChecked() {
        String sdp = HEAD + "m=audio 4000 RTP/AVP 0\r\n" + "m=message 0 TCP/MSRP *\r\n" + GOOD_MEDIA;
        SdpValidation v = validate(sdp);
        assertThat(v.isValid()).isTrue();
    }

    @Test
    void duplicateTransferIdsAcrossStreams() {
        SdpValidation v = validate(HEAD + GOOD_MEDIA + GOOD_MEDIA);
        assertThat(v.problems()).containsExactly(new SdpProblem(1, SdpProblem.Code.DUPLICATE_FILE_TRANSFER_ID, "id1"));
    }

    @Test
    void collectsEveryProblemInOrder() {
        String bad = "m=message 1 TCP/MSRP *\r\na=sendrecv\r\na=file-selector:size:x\r\n";
        SdpValidation v = validate(HEAD + GOOD_MEDIA + bad);
        assertThat(v.problems()).extracting(SdpProblem::code).containsExactly(
                SdpProblem.Code.MISSING_PATH, SdpProblem.Code.BAD_ACCEPT_TYPES, SdpProblem.Code.BAD_SIZE,
                SdpProblem.Code.MISSING_FILE_TRANSFER_ID, SdpProblem.Code.BAD_DIRECTION);
        assertThat(v.problems()).allMatch(p -> p.mediaIndex() == 1);
    }

    @Test
    void problemWordingForWarningHeader() {
        SdpProblem p = new SdpProblem(0, SdpProblem.Code.MISSING_FILE_SELECTOR, null);
        assertThat(p.message()).isEqualTo("m-line 1: Missing a=file-selector (RFC 5547 section 6)");
        assertThat(p.warning("pf.example.net").headerValue())
                .isEqualTo("399 pf.example.net \"m-line 1: Missing a=file-selector (RFC 5547 section 6)\"");
        SdpProblem whole = new SdpProblem(-1, SdpProblem.Code.NO_MEDIA, "");
        assertThat(whole.message()).isEqualTo("No m-line in offer");
        SdpProblem withDetail = new SdpProblem(2, SdpProblem.Code.BAD_PATH, "x\"y".repeat(40));
        assertThat(withDetail.message()).startsWith("m-line 3: Bad MSRP URI in a=path (RFC 4975 section 9): x\"y").endsWith("...");
        assertThat(withDetail.warning("pf").headerValue()).contains("x\\\"y");
    }
}
