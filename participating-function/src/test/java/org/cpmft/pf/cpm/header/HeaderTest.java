package org.cpmft.pf.cpm.header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HeaderTest {

    @Test
    void splitsOnlyAtTopLevelCommas() {
        assertThat(HeaderValues.splitTopLevel("<sip:a@b;x=1,2>;p=\"u,v\", <sip:c@d> ,", ','))
                .containsExactly("<sip:a@b;x=1,2>;p=\"u,v\"", "<sip:c@d>");
        assertThat(HeaderValues.splitTopLevel("\"a\\\",b\",c", ',')).containsExactly("\"a\\\",b\"", "c");
        assertThat(HeaderValues.splitTopLevel(null, ',')).isEmpty();
        assertThat(HeaderValues.splitTopLevel("  ", ',')).isEmpty();
    }

    @Test
    void quotesAndUnquotes() {
        assertThat(HeaderValues.isQuoted("\"abc\"")).isTrue();
        assertThat(HeaderValues.isQuoted("\"a\"b\"")).isFalse();
        assertThat(HeaderValues.isQuoted("\"a\\\"")).isFalse();
        assertThat(HeaderValues.isQuoted("abc")).isFalse();
        assertThat(HeaderValues.unquote("\"a\\\"b\\\\c\"")).isEqualTo("a\"b\\c");
        assertThat(HeaderValues.unquote("plain")).isEqualTo("plain");
        assertThat(HeaderValues.quote("say \"hi\"\\\r\n")).isEqualTo("\"say \\\"hi\\\"\\\\  \"");
        assertThat(HeaderValues.unquote(HeaderValues.quote("x \"y\" \\z"))).isEqualTo("x \"y\" \\z");
    }

    @Test
    void parsesNameAddrWithParams() {
        HeaderAddress a = HeaderAddress.parse("\"Alice, A\" <sip:alice@example.com;transport=tcp>;expires=60;+sip.instance=\"<urn:uuid:1>\"");
        assertThat(a.displayName()).isEqualTo("Alice, A");
        assertThat(a.uri()).isEqualTo("sip:alice@example.com;transport=tcp");
        assertThat(a.bracketed()).isTrue();
        assertThat(a.param("EXPIRES").orElseThrow().value()).isEqualTo("60");
        assertThat(a.param("+sip.instance").orElseThrow().value()).isEqualTo("<urn:uuid:1>");
        assertThat(a.param("+sip.instance").orElseThrow().quoted()).isTrue();
        assertThat(a.hasUriParam("transport")).isTrue();
        assertThat(a.hasParam("transport")).isFalse();
    }

    @Test
    void addrSpecWithoutBracketsHasOnlyHeaderParams() {
        HeaderAddress a = HeaderAddress.parse("sip:pf.example.net;lr;orig");
        assertThat(a.uri()).isEqualTo("sip:pf.example.net");
        assertThat(a.hasParam("lr")).isTrue();
        assertThat(a.hasParam("orig")).isTrue();
        assertThat(a.uriParams()).isEmpty();
        assertThat(a.bracketed()).isFalse();
    }

    @Test
    void starValueOfAcceptContact() {
        HeaderAddress a = HeaderAddress.parse("*;require;explicit");
        assertThat(a.uri()).isEqualTo("*");
        assertThat(a.param("require").orElseThrow().hasValue()).isFalse();
        assertThat(a.param("explicit")).isPresent();
    }

    @Test
    void uriParamsIgnoreHeadersPart() {
        HeaderAddress a = HeaderAddress.parse("<sip:x@y;a=1;b?subject=z;c>");
        assertThat(a.uriParams()).extracting(HeaderParam::name).containsExactly("a", "b");
    }

    @Test
    void rejectsBrokenValues() {
        assertThatThrownBy(() -> HeaderAddress.parse("<sip:unterminated")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderAddress.parse("  ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeaderParam.parse("=v")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseListSplitsContacts() {
        List<HeaderAddress> l = HeaderAddress.parseList("<sip:a@b>;q=0.5, \"B\" <sip:c@d>");
        assertThat(l).extracting(HeaderAddress::uri).containsExactly("sip:a@b", "sip:c@d");
    }

    @Test
    void sipHeadersAreCaseInsensitiveAndFoldCompactForms() {
        SipHeaders h = SipHeaders.of(Map.of("a", List.of("x"), "ACCEPT-CONTACT", List.of("y, z")));
        assertThat(h.values("Accept-Contact")).containsExactlyInAnyOrder("x", "y, z");
        assertThat(h.elements("accept-contact")).containsExactlyInAnyOrder("x", "y", "z");
        assertThat(h.first("m")).isEmpty();
        SipHeaders h2 = h.with("m", "<sip:a@b>").with("Contact", "<sip:c@d>");
        assertThat(h2.values("Contact")).containsExactly("<sip:a@b>", "<sip:c@d>");
        assertThat(h2.contains("CONTACT")).isTrue();
        assertThat(h2.names()).contains("contact", "accept-contact");
        assertThat(SipHeaders.of("Route", "<sip:a>", "route", "<sip:b>").values("Route")).containsExactly("<sip:a>", "<sip:b>");
        assertThatThrownBy(() -> SipHeaders.of("odd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void warningHeaderValue() {
        assertThat(Warning.miscellaneous("pf.example.net", "133 Size exceeded").headerValue())
                .isEqualTo("399 pf.example.net \"133 Size exceeded\"");
        assertThat(new Warning(306, "pf:5060", "say \"x\"").headerValue()).isEqualTo("306 pf:5060 \"say \\\"x\\\"\"");
        assertThatThrownBy(() -> new Warning(403, "pf", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Warning(399, "p f", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Warning(399, "", "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
