package org.cpmft.pf.cpm.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.cpmft.pf.cpm.header.SipHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoleResolverTest {

    private final RoleResolver originatingDefault = new RoleResolver(Role.ORIGINATING);
    private final RoleResolver terminatingDefault = new RoleResolver(Role.TERMINATING);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "<sip:alice@home1.net>;sescase=orig;regstate=reg | ORIGINATING",
            "<sip:alice@home1.net>;sescase=term;regstate=unreg | TERMINATING",
            "<sip:alice@home1.net>;SESCASE=TERM | TERMINATING",
            "sip:alice@home1.net;sescase=orig | ORIGINATING",
            "\"Alice\" <sip:alice@home1.net>;regstate=reg;sescase=term | TERMINATING",
            "<sip:alice@home1.net>;orig-cdiv | ORIGINATING",
    })
    void pServedUserDecides(String header, Role expected) {
        for (RoleResolver r : new RoleResolver[] {originatingDefault, terminatingDefault}) {
            RoleDecision d = r.resolveValues(header, "<sip:pf.home1.net;lr>");
            assertThat(d.role()).isEqualTo(expected);
            assertThat(d.source()).isEqualTo(RoleDecision.Source.P_SERVED_USER);
            assertThat(d.servedUser()).contains(header.contains("<") ? "sip:alice@home1.net" : "sip:alice@home1.net");
        }
    }

    @Test
    void servedUserDetails() {
        ServedUser su = ServedUser.parse("<sip:alice@home1.net>;sescase=term;regstate=unreg");
        assertThat(su.uri()).isEqualTo("sip:alice@home1.net");
        assertThat(su.sessionCase()).contains(Role.TERMINATING);
        assertThat(su.registered()).contains(false);
        assertThat(ServedUser.parse("<sip:a@b>;regstate=reg").registered()).contains(true);
        assertThat(ServedUser.parse("<sip:a@b>;sescase=bogus;regstate=x").role()).isEmpty();
        assertThat(ServedUser.parse("<sip:a@b>;regstate=x").registered()).isEmpty();
    }

    @Test
    void routeOrigParameterMeansOriginating() {
        RoleDecision d = terminatingDefault.resolveValues(null, "<sip:pf.home1.net;lr;orig>");
        assertThat(d.role()).isEqualTo(Role.ORIGINATING);
        assertThat(d.source()).isEqualTo(RoleDecision.Source.ROUTE_ORIG);
        assertThat(terminatingDefault.resolveValues(null, "<sip:pf.home1.net;lr>;orig").role()).isEqualTo(Role.ORIGINATING);
        assertThat(terminatingDefault.resolveValues(null, "sip:pf.home1.net;lr;orig").role()).isEqualTo(Role.ORIGINATING);
        assertThat(terminatingDefault.resolveValues(null, "<sip:pf.home1.net;lr;ORIG>, <sip:scscf;lr>").role()).isEqualTo(Role.ORIGINATING);
    }

    @Test
    void routeWithoutOrigFallsBackToDefault() {
        assertThat(terminatingDefault.resolveValues(null, "<sip:pf.home1.net;lr>"))
                .isEqualTo(new RoleDecision(Role.TERMINATING, RoleDecision.Source.DEFAULT, Optional.empty()));
        assertThat(originatingDefault.resolveValues(null, "<sip:pf.home1.net;lr>").role()).isEqualTo(Role.ORIGINATING);
        // "orig" only in the user part or as a longer name is not the parameter
        assertThat(terminatingDefault.resolveValues(null, "<sip:orig@pf.home1.net;lr;origin=x>").role()).isEqualTo(Role.TERMINATING);
        assertThat(terminatingDefault.resolveValues(null, "<sip:scscf;lr>, <sip:pf;lr;orig>").role()).isEqualTo(Role.TERMINATING);
    }

    @Test
    void nothingGivenUsesDefault() {
        assertThat(originatingDefault.resolveValues(null, null).source()).isEqualTo(RoleDecision.Source.DEFAULT);
        assertThat(terminatingDefault.resolveValues("", " ").role()).isEqualTo(Role.TERMINATING);
    }

    @Test
    void malformedHeadersAreIgnored() {
        assertThat(terminatingDefault.resolveValues("<sip:broken", "<sip:also-broken").role()).isEqualTo(Role.TERMINATING);
    }

    @Test
    void servedUserWithoutSescaseFallsThroughButKeepsIdentity() {
        RoleDecision d = terminatingDefault.resolveValues("<sip:alice@home1.net>;regstate=reg", "<sip:pf;lr;orig>");
        assertThat(d.role()).isEqualTo(Role.ORIGINATING);
        assertThat(d.source()).isEqualTo(RoleDecision.Source.ROUTE_ORIG);
        assertThat(d.servedUser()).contains("sip:alice@home1.net");
    }

    @Test
    void fromHeaders() {
        SipHeaders h = SipHeaders.of("P-Served-User", "<sip:bob@home2.net>;sescase=term", "Route", "<sip:pf;lr;orig>");
        assertThat(originatingDefault.resolve(h, null).role()).isEqualTo(Role.TERMINATING);
        SipHeaders routeOnly = SipHeaders.of("Route", "<sip:pf;lr;orig>,<sip:scscf;lr>");
        assertThat(terminatingDefault.resolve(routeOnly, null).source()).isEqualTo(RoleDecision.Source.ROUTE_ORIG);
        // an explicitly given popped route takes precedence over the Route header
        assertThat(terminatingDefault.resolve(routeOnly, "<sip:pf;lr>").source()).isEqualTo(RoleDecision.Source.DEFAULT);
        assertThat(terminatingDefault.defaultRole()).isEqualTo(Role.TERMINATING);
    }

    @Test
    void defaultIsRequired() {
        assertThatThrownBy(() -> new RoleResolver(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
