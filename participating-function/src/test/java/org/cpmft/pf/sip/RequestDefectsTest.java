package org.cpmft.pf.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.cpmft.pf.sip.RequestDefects.Verdict;
import org.junit.jupiter.api.Test;

class RequestDefectsTest {

    /** Every mandatory header field present, method INVITE, CSeq INVITE. */
    private static RequestDefects complete() {
        RequestDefects d = new RequestDefects();
        d.method("INVITE");
        RequestDefects.MANDATORY.forEach(d::present);
        d.cseqMethod("INVITE");
        return d;
    }

    private static RequestDefects without(String missing) {
        RequestDefects d = new RequestDefects();
        d.method("INVITE");
        RequestDefects.MANDATORY.stream().filter(n -> !n.equals(missing)).forEach(d::present);
        d.cseqMethod("INVITE");
        return d;
    }

    @Test
    void aCompleteRequestIsAccepted() {
        assertThat(complete().verdict()).isInstanceOf(Verdict.Accept.class);
    }

    @Test
    void maxForwardsIsNotRequired() {
        // RFC 3261 16.3 step 3: a request without Max-Forwards passes; MANDATORY does not list it.
        assertThat(RequestDefects.MANDATORY).containsExactly("To", "From", "CSeq", "Call-ID", "Via");
    }

    @Test
    void anUnparseableHeaderIsNamedInTheWarning() {
        RequestDefects d = without("To");
        d.malformedHeader("To: <sip:bob@example.net");
        assertThat(d.verdict()).isEqualTo(new Verdict.Reject("Malformed To header field"));
    }

    @Test
    void compactAndOddlyCasedNamesAreSpelledOut() {
        RequestDefects d = without("To");
        d.malformedHeader("t : <sip:bob@example.net");
        assertThat(d.verdict()).isEqualTo(new Verdict.Reject("Malformed To header field"));
        assertThat(RequestDefects.nameOf("CALL-ID: x")).isEqualTo("Call-ID");
        assertThat(RequestDefects.nameOf("l: abc")).isEqualTo("Content-Length");
        assertThat(RequestDefects.nameOf("P-Served-User: <sip")).isEqualTo("P-Served-User");
    }

    @Test
    void aNameThatIsNoTokenIsNotEchoed() {
        RequestDefects d = complete();
        d.malformedHeader("Bad \"name\": x");
        d.malformedHeader("no colon at all");
        assertThat(d.verdict()).isEqualTo(new Verdict.Reject("Malformed header field"));
    }

    @Test
    void anUnparseableOptionalHeaderIsRejectedToo() {
        RequestDefects d = complete();
        d.malformedHeader("Expires: soon");
        assertThat(d.verdict()).isEqualTo(new Verdict.Reject("Malformed Expires header field"));
    }

    @Test
    void eachMissingMandatoryHeaderIsNamed() {
        for (String name : new String[] {"To", "From", "CSeq", "Call-ID"}) {
            assertThat(without(name).verdict()).as(name).isEqualTo(new Verdict.Reject("Missing " + name + " header field"));
        }
    }

    @Test
    void severalProblemsAreAllNamed() {
        RequestDefects d = new RequestDefects();
        d.method("INVITE");
        d.present("Via");
        d.present("Call-ID");
        d.malformedHeader("From: <sip:alice");
        assertThat(d.verdict()).isEqualTo(new Verdict.Reject(
                "Malformed From header field; Missing To header field; Missing CSeq header field"));
    }

    @Test
    void withoutAViaNoResponseCanBeRouted() {
        assertThat(without("Via").verdict()).isInstanceOf(Verdict.Drop.class);
        RequestDefects d = without("Via");
        d.malformedHeader("Via: SIP/2.0/UDP");
        assertThat(d.verdict()).isInstanceOf(Verdict.Drop.class);
    }

    @Test
    void aMalformedViaBesideAReadableOneIsDroppedAsWell() {
        // The readable one might not be the topmost: a response could go to the wrong hop.
        RequestDefects d = complete();
        d.malformedHeader("Via: SIP/2.0/UDP [::1");
        assertThat(d.verdict()).isInstanceOf(Verdict.Drop.class);
    }

    @Test
    void aMalformedAckIsNeverAnswered() {
        RequestDefects d = new RequestDefects();
        d.method("ACK");
        RequestDefects.MANDATORY.stream().filter(n -> !n.equals("To")).forEach(d::present);
        d.cseqMethod("ACK");
        assertThat(d.verdict()).isInstanceOf(Verdict.Drop.class);
    }

    @Test
    void aMalformedRequestLineKeepsItsMethodWordForTheAckRule() {
        RequestDefects d = new RequestDefects();
        RequestDefects.MANDATORY.forEach(d::present);
        d.cseqMethod("INVITE");
        d.requestLineMalformed("INVITE sip:bob@[::1 SIP/2.0");
        assertThat(d.method()).isEqualTo("INVITE");
        assertThat(d.verdict()).isEqualTo(new Verdict.Reject("Malformed Request-Line"));

        RequestDefects ack = new RequestDefects();
        RequestDefects.MANDATORY.forEach(ack::present);
        ack.requestLineMalformed("ACK sip:bob@[::1 SIP/2.0");
        assertThat(ack.verdict()).isInstanceOf(Verdict.Drop.class);

        RequestDefects garbage = new RequestDefects();
        garbage.requestLineMalformed("\u0001\u0002 x");
        assertThat(garbage.method()).isNull();
    }

    @Test
    void theCseqMethodMustBeTheRequestMethod() {
        RequestDefects d = complete();
        d.cseqMethod("BYE");
        assertThat(d.verdict()).isEqualTo(new Verdict.Reject("CSeq method BYE is not the request method INVITE"));
    }

    @Test
    void aDatagramShorterThanItsContentLengthIsRejected() {
        RequestDefects d = complete();
        d.contentLongerThanBody();
        assertThat(d.verdict()).isEqualTo(new Verdict.Reject("Content-Length larger than the message body"));
    }

    @Test
    void bodyLengthCountsTheBytesAfterTheEmptyLine() {
        assertThat(RequestDefects.bodyLength(bytes("INVITE x SIP/2.0\r\nA: b\r\n\r\nv=0\r\n"))).isEqualTo(5);
        assertThat(RequestDefects.bodyLength(bytes("INVITE x SIP/2.0\nA: b\n\nv=0"))).isEqualTo(3);
        assertThat(RequestDefects.bodyLength(bytes("INVITE x SIP/2.0\r\nA: b\r\n\r\n"))).isZero();
        assertThat(RequestDefects.bodyLength(bytes("INVITE x SIP/2.0\r\nA: b\r\n"))).isZero();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
