package org.cpmft.pf.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThirdPartyRegisterTest {
    static final String UE_REGISTER = String.join("\r\n",
            "REGISTER sip:ims.example.com SIP/2.0",
            "Via: SIP/2.0/TCP [2001:db8::9]:5060;branch=z9hG4bKnashds7",
            "From: <sip:bob@ims.example.com>;tag=4fa3",
            "To: <sip:bob@ims.example.com>",
            "Call-ID: apb03a0s09dkjdfglkj49111",
            "CSeq: 2 REGISTER",
            "Contact: <sip:[2001:db8::9]:5060;transport=tcp>;expires=600;",
            " +sip.instance=\"<urn:gsma:imei:35209900-176148-0>\";",
            " +g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\"",
            "Expires: 7200",
            "Content-Length: 0",
            "", "");

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void withoutBodyOnlyTheUserAndExpiresAreKnown() {
        ThirdPartyRegister r = ThirdPartyRegister.parse("<sip:Bob@IMS.example.com>;tag=x", 3600, null, null);
        assertThat(r.user()).isEqualTo("sip:Bob@ims.example.com");
        assertThat(r.expires()).isEqualTo(Duration.ofHours(1));
        assertThat(r.source()).isEqualTo(ThirdPartyRegister.Source.NONE);
        assertThat(r.bindings()).isEmpty();
        assertThat(r.isDeregistration()).isFalse();
    }

    @Test
    void expiresZeroIsADeregistration() {
        assertThat(ThirdPartyRegister.parse("sip:bob@ims.example.com", 0, null, new byte[0]).isDeregistration())
                .isTrue();
    }

    @Test
    void missingExpiresDefaultsToAnHour() {
        assertThat(ThirdPartyRegister.parse("sip:bob@ims.example.com", -1, null, null).expires())
                .isEqualTo(Duration.ofSeconds(3600));
    }

    @Test
    void theUesRegisterGivesItsContactWithInstanceAndFoldedParameters() {
        ThirdPartyRegister r = ThirdPartyRegister.parse("<sip:bob@ims.example.com>", 7200, "message/sip",
                bytes(UE_REGISTER));
        assertThat(r.source()).isEqualTo(ThirdPartyRegister.Source.REGISTER_REQUEST);
        assertThat(r.bindings()).containsExactly(new ThirdPartyRegister.Binding(
                "sip:[2001:db8::9]:5060;transport=tcp", "<urn:gsma:imei:35209900-176148-0>", Duration.ofSeconds(600)));
    }

    @Test
    void theTwoHundredOkListsEveryBindingAndWinsInAMultipartBody() {
        String ok = String.join("\r\n",
                "SIP/2.0 200 OK",
                "Via: SIP/2.0/TCP [2001:db8::9]:5060;branch=z9hG4bKnashds7",
                "To: <sip:bob@ims.example.com>;tag=2",
                "m: <sip:dev1@192.0.2.1>;expires=300;+sip.instance=\"<urn:uuid:AAA>\", "
                        + "<sip:dev2@192.0.2.2>;+sip.instance=\"<urn:uuid:bbb>\"",
                "Expires: 900",
                "", "");
        String boundary = "b0und";
        String body = "--" + boundary + "\r\nContent-Type: message/sip\r\n\r\n" + UE_REGISTER
                + "\r\n--" + boundary + "\r\nContent-Type: message/sip\r\n\r\n" + ok
                + "\r\n--" + boundary + "\r\nContent-Type: application/3gpp-ims+xml\r\n\r\n<ims-3gpp/>"
                + "\r\n--" + boundary + "--\r\n";
        ThirdPartyRegister r = ThirdPartyRegister.parse("sip:bob@ims.example.com", 3600,
                "multipart/mixed; boundary=" + boundary, bytes(body));
        assertThat(r.source()).isEqualTo(ThirdPartyRegister.Source.REGISTER_RESPONSE);
        assertThat(r.bindings()).containsExactly(
                new ThirdPartyRegister.Binding("sip:dev1@192.0.2.1", "<urn:uuid:aaa>", Duration.ofSeconds(300)),
                new ThirdPartyRegister.Binding("sip:dev2@192.0.2.2", "<urn:uuid:bbb>", Duration.ofSeconds(900)));
    }

    @Test
    void serviceInformationAloneCarriesNoBindings() {
        ThirdPartyRegister r = ThirdPartyRegister.parse("sip:bob@ims.example.com", 600, "application/3gpp-ims+xml",
                bytes("<ims-3gpp version=\"1\"/>"));
        assertThat(r.source()).isEqualTo(ThirdPartyRegister.Source.NONE);
    }

    @Test
    void wildcardContactRemovesEverything() {
        String dereg = UE_REGISTER.replaceFirst("Contact: [^\\r]*\\r\\n [^\\r]*\\r\\n [^\\r]*\\r\\n", "Contact: *\r\n")
                .replace("Expires: 7200", "Expires: 0");
        ThirdPartyRegister r = ThirdPartyRegister.parse("sip:bob@ims.example.com", 0, "message/sip", bytes(dereg));
        assertThat(r.wildcard()).isTrue();
        assertThat(r.bindings()).isEmpty();
    }

    @Test
    void malformedInputFailsWithIllegalArgument() {
        assertThatThrownBy(() -> ThirdPartyRegister.parse(null, 600, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThirdPartyRegister.parse("bob", 600, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThirdPartyRegister.parse("sip:bob@x", 600, "message/sip", bytes("HELLO world\r\n\r\n")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThirdPartyRegister.parse("sip:bob@x", 600, "message/sip",
                bytes("REGISTER sip:x SIP/2.0\r\nContact: <sip:a@b>;expires=soon\r\n\r\n")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThirdPartyRegister.parse("sip:bob@x", 600, "multipart/mixed;boundary=zz",
                bytes("no boundary here")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
