package org.cpmft.pf.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueSyntaxTest {

    @Test
    void durationsInShortAndIsoForm() {
        assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationText.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationText.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(DurationText.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse("p7d")).isEqualTo(Duration.ofDays(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "", "s", "30 s", "-5s", "5x", "1.5h", "PT-5S", "Pfoo", "99999999999999999999d"})
    void badDurationsAreRefused(String text) {
        assertThatThrownBy(() -> DurationText.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsFormatBackToTheShortForm() {
        assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(DurationText.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(DurationText.parse(DurationText.format(Duration.ofMillis(93_784_005)))).isEqualTo(Duration.ofMillis(93_784_005));
    }

    @Test
    void sizesWithSiAndIecUnits() {
        assertThat(ByteSize.parse("10240")).isEqualTo(10240);
        assertThat(ByteSize.parse("10kB")).isEqualTo(10_000);
        assertThat(ByteSize.parse("10KiB")).isEqualTo(10_240);
        assertThat(ByteSize.parse("100 MiB")).isEqualTo(100L << 20);
        assertThat(ByteSize.parse("2GB")).isEqualTo(2_000_000_000L);
        assertThat(ByteSize.parse("3gib")).isEqualTo(3L << 30);
        assertThat(ByteSize.parse("7B")).isEqualTo(7);
        assertThat(ByteSize.format(100L << 20)).isEqualTo("100MiB");
        assertThat(ByteSize.format(1000)).isEqualTo("1000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "1.5MB", "10 TB", "MB", "99999999999GiB"})
    void badSizesAreRefused(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostsAreCheckedWithoutLookingThemUp() {
        assertThat(Hosts.isValid("127.0.0.1")).isTrue();
        assertThat(Hosts.isValid("::1")).isTrue();
        assertThat(Hosts.isValid("[2001:db8::1]")).isTrue();
        assertThat(Hosts.isValid("pf-0.pf.ims.svc.cluster.local")).isTrue();
        assertThat(Hosts.isValid("scscf.example.net.")).isTrue();
        assertThat(Hosts.isValid("256.1.1.1")).isFalse();
        assertThat(Hosts.isValid("1.2.3")).isFalse();
        assertThat(Hosts.isValid("-bad-.example")).isFalse();
        assertThat(Hosts.isValid("a b")).isFalse();
        assertThat(Hosts.isValid("gg::1")).isFalse();
        assertThat(Hosts.isWildcard("0.0.0.0")).isTrue();
        assertThat(Hosts.isWildcard("::")).isTrue();
        assertThat(Hosts.isWildcard("10.0.0.1")).isFalse();
    }

    @Test
    void cidrBlocksMatchTheirNetworkOnly() throws Exception {
        CidrBlock loopback = CidrBlock.parse("127.0.0.1/8");
        assertThat(loopback).hasToString("127.0.0.0/8");
        assertThat(loopback.contains(InetAddress.getByName("127.1.2.3"))).isTrue();
        assertThat(loopback.contains(InetAddress.getByName("128.0.0.1"))).isFalse();
        assertThat(loopback.contains(InetAddress.getByName("::1"))).isFalse();

        CidrBlock single = CidrBlock.parse("10.1.2.3");
        assertThat(single.contains(InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(single.contains(InetAddress.getByName("10.1.2.4"))).isFalse();

        CidrBlock odd = CidrBlock.parse("192.168.4.0/22");
        assertThat(odd.contains(InetAddress.getByName("192.168.7.255"))).isTrue();
        assertThat(odd.contains(InetAddress.getByName("192.168.8.0"))).isFalse();

        CidrBlock v6 = CidrBlock.parse("fd00:abcd::/32");
        assertThat(v6.contains(InetAddress.getByName("fd00:abcd:1::5"))).isTrue();
        assertThat(v6.contains(InetAddress.getByName("fd00:abce::5"))).isFalse();

        assertThat(CidrBlock.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::1/129", "10.0.0/8", ""})
    void badCidrBlocksAreRefused(String text) {
        assertThatThrownBy(() -> CidrBlock.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sipUrisKeepTheirTextAndRoutingParameters() {
        SipUri proxy = SipUri.parse("sip:127.0.0.1:5070;lr");
        assertThat(proxy.host()).isEqualTo("127.0.0.1");
        assertThat(proxy.port()).isEqualTo(5070);
        assertThat(proxy.looseRoute()).isTrue();
        assertThat(proxy.secure()).isFalse();
        assertThat(proxy).hasToString("sip:127.0.0.1:5070;lr");

        SipUri named = SipUri.parse("sips:scscf.ims.example.net;lr;transport=TCP");
        assertThat(named.secure()).isTrue();
        assertThat(named.port()).isEqualTo(-1);
        assertThat(named.transport()).isEqualTo("tcp");

        assertThat(SipUri.parse("sip:[::1]:5070;lr").port()).isEqualTo(5070);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:5070", "tel:+4912345", "http://proxy", "sip:", "sip:proxy extra",
        "sip:127.0.0.1:99999", "sip:127.0.0.1:0", "sip:-bad-.example"})
    void badSipUrisAreRefused(String text) {
        assertThatThrownBy(() -> SipUri.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
