package org.cpmft.pf.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UserUriTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sip:bob@example.com | sip:bob@example.com",
            "SIP:bob@EXAMPLE.com | sip:bob@example.com",
            "sips:bob@example.com | sip:bob@example.com",
            "sip:bob@example.com:5060 | sip:bob@example.com",
            "sip:bob@example.com;transport=tcp | sip:bob@example.com",
            "sip:+4930123456@ims.example.com;user=phone | sip:+4930123456@ims.example.com",
            "sip:bob:secret@example.com | sip:bob@example.com",
            "sip:bob@example.com?subject=x | sip:bob@example.com",
            "sip:b%6Fb@example.com | sip:bob@example.com",
            "sip:b%40b@example.com | sip:b%40b@example.com",
            "\"Bob\" <sip:bob@Example.COM;transport=udp>;tag=abc | sip:bob@example.com",
            "<sip:bob@[2001:DB8::1]:5061> | sip:bob@[2001:db8::1]",
            "sip:example.com | sip:example.com",
            "tel:+1-555-123.4567 | tel:+15551234567",
            "tel:+1(555)1234567;ext=12 | tel:+15551234567",
            "TEL:+49301234 | tel:+49301234",
            "tel:7042;phone-context=Example.COM | tel:7042;phone-context=example.com",
            "im:bob@example.com | im:bob@example.com",
    })
    void normalises(String in, String out) {
        assertThat(UserUri.normalize(in)).isEqualTo(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "bob", "sip:", "sip:@example.com", "tel:+", "tel:12/3", "tel:;phone-context=x"})
    void refusesWhatIsNotAUserUri(String in) {
        assertThatThrownBy(() -> UserUri.normalize(in)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"<urn:gsma:imei:35209900-176148-0>\" | <urn:gsma:imei:35209900-176148-0>",
            "<URN:UUID:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6> | <urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>",
            "urn:uuid:abc | <urn:uuid:abc>",
    })
    void normalisesInstanceIds(String in, String out) {
        assertThat(InstanceId.normalize(in)).isEqualTo(out);
    }
}
