package org.cpmft.pf.cpm.imdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImdnParsingTest {

    static final String XML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
            + "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\">\r\n"
            + "<message-id>34jk324j</message-id>\r\n"
            + "<datetime>2008-04-04T12:16:49-05:00</datetime>\r\n"
            + "<recipient-uri>sip:bob@example.com</recipient-uri>\r\n"
            + "<original-recipient-uri>sip:bob@example.com</original-recipient-uri>\r\n"
            + "<delivery-notification><status><delivered/></status></delivery-notification>\r\n"
            + "</imdn>\r\n";

    static String notice(String xml) {
        return "From: Bob <im:bob@example.com>\r\n"
                + "To: Alice <im:alice@example.com>\r\n"
                + "NS: imdn <urn:ietf:params:imdn>\r\n"
                + "imdn.Message-ID: d834jied93rf\r\n"
                + "Content-Type: ignored-here\r\n"
                + "DateTime: 2008-04-04T12:16:49-05:00\r\n"
                + "\r\n"
                + "Content-type: message/imdn+xml\r\n"
                + "Content-Disposition: notification\r\n"
                + "Content-length: " + xml.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "\r\n" + xml;
    }

    static final SipHeaders HEADERS = SipHeaders.of("From", "<sip:bob@example.com>;tag=1", "To", "<sip:alice@example.com>");

    @Test
    void cpimHeadersNamespacesAndContent() {
        CpimMessage m = CpimMessage.parse(notice(XML).getBytes(StandardCharsets.UTF_8), 16384);
        assertThat(m.header("From")).hasValue("Bob <im:bob@example.com>");
        assertThat(m.header("DateTime")).hasValue("2008-04-04T12:16:49-05:00");
        assertThat(m.header(DispositionRequest.NAMESPACE, "Message-ID")).hasValue("d834jied93rf");
        assertThat(m.header("urn:other", "Message-ID")).isEmpty();
        assertThat(m.contentHeader("Content-Type")).hasValue("message/imdn+xml");
        assertThat(new String(m.content(), StandardCharsets.UTF_8)).isEqualTo(XML);
    }

    @Test
    void anyPrefixTheSenderDeclaresNamesTheImdnNamespace() {
        String cpim = "NS: x <urn:ietf:params:imdn>\r\nx.Message-ID: abc\r\nx.Disposition-Notification: "
                + "Positive-Delivery, display, bogus\r\nDateTime: 2026-01-02T03:04:05Z\r\n\r\n";
        DispositionRequest r = DispositionRequest.of(CpimMessage.parse(cpim.getBytes(), 1000)).orElseThrow();
        assertThat(r.messageId()).isEqualTo("abc");
        assertThat(r.dispositionNotification()).isEqualTo("positive-delivery, display");
        assertThat(r.dateTime()).hasValue("2026-01-02T03:04:05Z");
        assertThat(r.asks("positive-delivery")).isTrue();
        assertThat(r.asks("negative-delivery")).isFalse();
        // undeclared prefix, or nothing asked: no request
        assertThat(DispositionRequest.of(CpimMessage.parse("imdn.Message-ID: a\r\nimdn.Disposition-Notification: positive-delivery\r\n\r\n"
                .getBytes(), 1000))).isEmpty();
        assertThat(DispositionRequest.of(CpimMessage.parse("NS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: a\r\n\r\n"
                .getBytes(), 1000))).isEmpty();
        assertThatThrownBy(() -> DispositionRequest.of(CpimMessage.parse(("NS: imdn <urn:ietf:params:imdn>\r\n"
                + "imdn.Message-ID: " + "a".repeat(300) + "\r\nimdn.Disposition-Notification: display\r\n\r\n").getBytes(), 2000)))
                .isInstanceOf(ImdnSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\r\n", "no colon here\r\n\r\n", " folded: x\r\n\r\n", ":novalue\r\n\r\n",
            "NS: imdn urn:no-brackets\r\n\r\n", "bad name: x\r\n\r\n", ".x: y\r\n\r\n", "a.: y\r\n\r\n",
            "From: a\u0001b\r\n\r\n"})
    void malformedCpimIsRefused(String text) {
        assertThatThrownBy(() -> CpimMessage.parse(text.getBytes(StandardCharsets.UTF_8), 1000))
                .isInstanceOf(ImdnSyntaxException.class);
    }

    @Test
    void cpimIsBounded() {
        assertThatThrownBy(() -> CpimMessage.parse(new byte[2000], 1000)).hasMessageContaining("larger than 1000");
        assertThatThrownBy(() -> CpimMessage.parse(("X: " + "a".repeat(5000) + "\r\n\r\n").getBytes(), 100_000))
                .hasMessageContaining("longer than");
        assertThatThrownBy(() -> CpimMessage.parse("X: y\r\n".repeat(100).getBytes(), 100_000))
                .hasMessageContaining("more than 64");
        assertThatThrownBy(() -> CpimMessage.parse(new byte[] {'X', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n', '\n'}, 100))
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> CpimMessage.parse(null, 100)).isInstanceOf(ImdnSyntaxException.class);
    }

    @Test
    void imdnDocument() {
        ImdnDocument d = ImdnDocument.parse(XML.getBytes(StandardCharsets.UTF_8));
        assertThat(d.messageId()).isEqualTo("34jk324j");
        assertThat(d.dateTime()).isEqualTo("2008-04-04T12:16:49-05:00");
        assertThat(d.recipientUri()).hasValue("sip:bob@example.com");
        assertThat(d.notification()).isEqualTo("delivery-notification");
        assertThat(d.status()).isEqualTo("delivered");
        ImdnDocument shown = ImdnDocument.parse(XML.replace("<delivery-notification><status><delivered/></status></delivery-notification>",
                "<display-notification><status><displayed/></status></display-notification>").getBytes());
        assertThat(shown.notification()).isEqualTo("display-notification");
        assertThat(shown.status()).isEqualTo("displayed");
    }

    @Test
    void externalEntitiesAndEntityExpansionAreRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE imdn [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>&x;</message-id><datetime>2008-04-04T12:16:49Z</datetime>"
                + "<delivery-notification><status><delivered/></status></delivery-notification></imdn>";
        assertThatThrownBy(() -> ImdnDocument.parse(xxe.getBytes())).isInstanceOf(ImdnSyntaxException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("root:"));
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE imdn [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>&c;</message-id></imdn>";
        assertThatThrownBy(() -> ImdnDocument.parse(laughs.getBytes())).isInstanceOf(ImdnSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not xml", "<imdn/>", "<imdn xmlns=\"urn:other\"><message-id>a</message-id></imdn>",
            "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>a</message-id></imdn>",
            "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>a</message-id><datetime>x</datetime></imdn>",
            "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>a</message-id><datetime>x</datetime>"
                    + "<delivery-notification><status><delivered/></status></delivery-notification>"
                    + "<display-notification><status><displayed/></status></display-notification></imdn>",
            "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>a</message-id>"})
    void malformedImdnIsRefused(String xml) {
        assertThatThrownBy(() -> ImdnDocument.parse(xml.getBytes())).isInstanceOf(ImdnSyntaxException.class);
    }

    @Test
    void imdnIsBounded() {
        String deep = "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\">" + "<a>".repeat(20) + "</a>".repeat(20) + "</imdn>";
        assertThatThrownBy(() -> ImdnDocument.parse(deep.getBytes())).hasMessageContaining("too deep");
        String wide = "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\">" + "<a/>".repeat(100) + "</imdn>";
        assertThatThrownBy(() -> ImdnDocument.parse(wide.getBytes())).hasMessageContaining("too");
        String longText = XML.replace("34jk324j", "x".repeat(2000));
        assertThatThrownBy(() -> ImdnDocument.parse(longText.getBytes())).hasMessageContaining("longer than");
        assertThatThrownBy(() -> ImdnDocument.parse(new byte[9000])).hasMessageContaining("larger than");
    }

    @Test
    void fileTransferRequestFromTheCpimPartOfTheInvite() {
        String sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                + "m=message 2855 TCP/MSRP *\r\na=sendonly\r\na=path:msrp://192.0.2.1:2855/s;tcp\r\n";
        String cpim = "From: <sip:alice@example.com>\r\nTo: <sip:bob@example.com>\r\nNS: imdn <urn:ietf:params:imdn>\r\n"
                + "imdn.Message-ID: ft-1\r\nimdn.Disposition-Notification: positive-delivery, negative-delivery\r\n"
                + "DateTime: 2026-01-02T03:04:05.678Z\r\n\r\nContent-Type: image/jpeg\r\n\r\n";
        String body = "--b\r\nContent-Type: application/sdp\r\n\r\n" + sdp + "\r\n--b\r\nContent-Type: message/cpim\r\n\r\n"
                + cpim + "\r\n--b--\r\n";
        InviteBody parsed = InviteBody.parse("multipart/mixed;boundary=b", body.getBytes(StandardCharsets.UTF_8));
        DispositionRequest r = FileTransferImdn.fromInvite(parsed).orElseThrow();
        assertThat(r.messageId()).isEqualTo("ft-1");
        assertThat(r.dispositionNotification()).isEqualTo("positive-delivery, negative-delivery");
        assertThat(r.dateTime()).hasValue("2026-01-02T03:04:05.678Z");
        // the SIP header form is no standard's: nothing is read from an SDP-only INVITE
        assertThat(FileTransferImdn.fromInvite(InviteBody.parse("application/sdp", sdp.getBytes()))).isEmpty();
        // a broken CPIM part asks for nothing and does not throw
        String broken = body.replace("imdn.Message-ID: ft-1", " folded");
        assertThat(FileTransferImdn.fromInvite(InviteBody.parse("multipart/mixed;boundary=b", broken.getBytes()))).isEmpty();
        // the CPIM wrapper of a file in an MSRP SEND
        byte[] head = (cpim + "\u00ff\u00d8binary...").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(FileTransferImdn.fromWrappedContent("message/cpim", head)).map(DispositionRequest::messageId).hasValue("ft-1");
        assertThat(FileTransferImdn.fromWrappedContent("image/jpeg", head)).isEmpty();
        assertThat(FileTransferImdn.fromWrappedContent("message/cpim", new byte[100_000])).isEmpty();
        assertThat(FileTransferImdn.fromWrappedContent(null, null)).isEmpty();
    }

    @Test
    void aClientsImdnMessageIsReadAndKeptAsItCame() {
        byte[] body = notice(XML).getBytes(StandardCharsets.UTF_8);
        SipHeaders h = HEADERS.with("Accept-Contact",
                "*;+sip.instance=\"<urn:gsma:imei:35888888-888888-0>\";+g.3gpp.icsi-ref=\"x\";require;explicit");
        ImdnMessage m = accepted(ImdnMessage.read(h, "sip:alice@example.com", "message/cpim", body));
        assertThat(m.recipient()).isEqualTo("sip:alice@example.com");
        assertThat(m.sender()).isEqualTo("sip:bob@example.com");
        assertThat(m.recipientInstance()).hasValue("urn:gsma:imei:35888888-888888-0");
        assertThat(m.body()).isEqualTo(notice(XML));
        assertThat(m.dateTime()).hasValue("2008-04-04T12:16:49-05:00");
        assertThat(m.document().messageId()).isEqualTo("34jk324j");
        // a GRUU Request-URI names the device too (RFC 5627)
        ImdnMessage g = accepted(ImdnMessage.read(HEADERS, "sip:alice@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
                "message/cpim", body));
        assertThat(g.recipientInstance()).hasValue("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
        assertThat(accepted(ImdnMessage.read(HEADERS, "sip:alice@example.com", "message/cpim", body)).recipientInstance()).isEmpty();
        // application/imdn+xml, as some clients label it
        assertThat(ImdnMessage.read(HEADERS, "sip:a@x", "message/cpim",
                notice(XML).replace("message/imdn+xml", "application/imdn+xml").getBytes())).isInstanceOf(ImdnMessage.Reading.Accepted.class);
    }

    @Test
    void whatIsNotAnImdnGetsTheRightStatus() {
        assertThat(refused(ImdnMessage.read(HEADERS, "sip:a@x", "text/plain", "hi".getBytes())).status()).isEqualTo(415);
        assertThat(refused(ImdnMessage.read(HEADERS, "sip:a@x", "text/plain", "hi".getBytes())).accept()).hasValue("message/cpim");
        assertThat(refused(ImdnMessage.read(HEADERS, "sip:a@x", null, null)).status()).isEqualTo(415);
        assertThat(refused(ImdnMessage.read(HEADERS, "sip:a@x", "message/cpim",
                notice(XML).replace("message/imdn+xml", "text/plain").getBytes())).status()).isEqualTo(415);
        assertThat(refused(ImdnMessage.read(HEADERS, "sip:a@x", "message/cpim", new byte[20_000])).status()).isEqualTo(413);
        assertThat(refused(ImdnMessage.read(HEADERS, "sip:a@x", "message/cpim", "garbage".getBytes())).status()).isEqualTo(400);
        assertThat(refused(ImdnMessage.read(HEADERS, "sip:a@x", "message/cpim",
                notice("<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>x</message-id></imdn>").getBytes())).status())
                .isEqualTo(400);
        assertThat(refused(ImdnMessage.read(HEADERS, "sip:a@x", "message/cpim", new byte[] {(byte) 0xff, 'a'})).warning())
                .contains("UTF-8");
        assertThat(refused(ImdnMessage.read(HEADERS, "sip:a@x", "message/;;", "x".getBytes())).status()).isEqualTo(400);
        assertThat(refused(ImdnMessage.read(SipHeaders.of("To", "<broken"), "sip:a@x", "message/cpim",
                notice(XML).getBytes())).status()).isEqualTo(400);
    }

    @Test
    void deferralRules() {
        assertThat(ImdnDeferralRules.deferAtOnce(true)).isTrue();
        assertThat(ImdnDeferralRules.deferAtOnce(false)).isFalse();
        assertThat(ImdnDeferralRules.deferOn(480)).isTrue();
        assertThat(ImdnDeferralRules.deferOn(408)).isTrue();
        for (int s : new int[] {200, 202, 403, 404, 486, 500, 603}) {
            assertThat(ImdnDeferralRules.deferOn(s)).as("%d", s).isFalse();
        }
    }

    private static ImdnMessage accepted(ImdnMessage.Reading r) {
        assertThat(r).isInstanceOf(ImdnMessage.Reading.Accepted.class);
        return ((ImdnMessage.Reading.Accepted) r).message();
    }

    private static ImdnMessage.Reading.Refused refused(ImdnMessage.Reading r) {
        assertThat(r).isInstanceOf(ImdnMessage.Reading.Refused.class);
        return (ImdnMessage.Reading.Refused) r;
    }

}
