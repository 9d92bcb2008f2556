package org.cpmft.pf.cpm.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;

import org.cpmft.pf.cpm.header.SipHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GroupSessionIdentitiesTest {

    private final GroupSessionIdentities ids = GroupSessionIdentities.of(List.of(
            "sip:conf-!.*!@ims.example.net", "sip:chat.cf.example.net", "sip:adhoc-!\\d{1,6}!-group@cf2.example.net"));

    @ParameterizedTest
    @ValueSource(strings = {
            "sip:conf-1234@ims.example.net",
            "sips:conf-x@IMS.Example.NET",
            "sip:conf-1234@ims.example.net:5060;transport=tcp",
            "<sip:conf-abc@ims.example.net>;tag=1",
            "sip:anything@chat.cf.example.net",
            "sip:chat.cf.example.net",
            "sip:adhoc-42-group@cf2.example.net",
            "sip:conf-a@ims.example.net?Subject=x@y"})
    void provisionedIdentitiesMatch(String uri) {
        assertThat(ids.matches(uri)).as(uri).isTrue();
        assertThat(ids.isGroup(SipHeaders.empty(), uri)).isTrue();
        assertThat(ids.sign(SipHeaders.empty(), uri)).hasValue("Request-URI is a CPM Group Session Identity");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sip:bob@ims.example.net",          // user outside the expression
            "sip:Conf-1@ims.example.net",       // user parts are case-sensitive
            "sip:conf-1@ims.example.net.evil",  // other host
            "sip:conf-1@evil.ims.example.net",
            "tel:+4912345",
            "sip:adhoc-1234567-group@cf2.example.net",
            "sip:adhoc-1-group@cf2.example.net;user=phone@x",
            "",
            "sip:",
            "sip:@",
            "<sip:conf-1@ims.example.net",
            "mailto:conf-1@ims.example.net"})
    void otherUrisDoNot(String uri) {
        assertThat(ids.matches(uri)).as(uri).isFalse();
    }

    @Test
    void nullAndHugeInputIsNoGroup() {
        assertThat(ids.matches(null)).isFalse();
        String huge = "sip:conf-" + "a".repeat(10_000) + "@ims.example.net";
        assertThat(ids.matches(huge)).isFalse();
        String longUser = "sip:conf-" + "a".repeat(WildcardedPsi.MAX_USER_LENGTH) + "@ims.example.net";
        assertThat(ids.matches(longUser)).isFalse();
    }

    @Test
    void catastrophicBacktrackingIsBoundedByTheUserLength() {
        GroupSessionIdentities evil = GroupSessionIdentities.of(List.of("sip:!(a+)+b!@x.example.net"));
        long start = System.nanoTime();
        assertThat(evil.matches("sip:" + "a".repeat(5000) + "@x.example.net")).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    @Test
    void focusContactIsAGroupSignWithoutProvisioning() {
        SipHeaders focus = SipHeaders.of("Contact", "<sip:conf1@cf.example.net>;isfocus");
        assertThat(GroupSessionIdentities.NONE.isGroup(focus, "sip:bob@example.net")).isTrue();
        assertThat(GroupSessionIdentities.NONE.sign(focus, "sip:bob@example.net")).hasValue("Contact has isfocus");
        assertThat(GroupSessionIdentities.NONE.isGroup(SipHeaders.of("Contact", "<sip:alice@192.0.2.1>"),
                "sip:bob@example.net")).isFalse();
        assertThat(GroupSessionIdentities.NONE.isGroup(SipHeaders.of("Contact", "<sip:broken"), "sip:bob@x")).isFalse();
        assertThat(GroupSessionIdentities.NONE.isGroup(null, null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "conf@example.net", "tel:+123", "sip:conf-!.*@x.example.net", "sip:!(!@x.example.net",
            "sip:@x.example.net", "sip:conf@"})
    void badIdentitiesAreRefused(String psi) {
        assertThatThrownBy(() -> GroupSessionIdentities.of(List.of(psi))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theListIsBounded() {
        assertThatThrownBy(() -> GroupSessionIdentities.of(Collections.nCopies(65, "sip:x.example.net")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ids.identities()).hasSize(3).first().isEqualTo("sip:conf-!.*!@ims.example.net");
    }
}
