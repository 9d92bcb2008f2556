package org.cpmft.msrp.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MsrpUriTest {
    @Test
    void parsesAndFormatsSessionUris() {
        MsrpUri u = MsrpUri.parse("msrps://alice@atlanta.example.com:7654/jshA7weztas;tcp;foo=bar");
        assertThat(u.secure()).isTrue();
        assertThat(u.userinfo()).isEqualTo("alice");
        assertThat(u.host()).isEqualTo("atlanta.example.com");
        assertThat(u.port()).isEqualTo(7654);
        assertThat(u.sessionId()).isEqualTo("jshA7weztas");
        assertThat(u.transport()).isEqualTo("tcp");
        assertThat(u.parameters()).containsExactly("foo=bar");
        assertThat(u.format()).isEqualTo("msrps://alice@atlanta.example.com:7654/jshA7weztas;tcp;foo=bar");
        MsrpUri v6 = MsrpUri.parse("msrp://[2001:db8::1]:2855/abc;tcp");
        assertThat(v6.socketHost()).isEqualTo("2001:db8::1");
        assertThat(MsrpUri.of(false, "2001:db8::1", 2855, "abc")).isEqualTo(v6);
    }

    @Test
    void comparesPerSection61() {
        assertThat(MsrpUri.parse("MSRP://Host.Example:1/abc;TCP"))
                .isEqualTo(MsrpUri.parse("msrp://host.example:1/abc;tcp;x=y"));
        assertThat(MsrpUri.parse("msrp://h:1/ABC;tcp")).isNotEqualTo(MsrpUri.parse("msrp://h:1/abc;tcp"));
        assertThat(MsrpUri.parse("msrp://h:1/abc;tcp")).isNotEqualTo(MsrpUri.parse("msrp://h:2/abc;tcp"));
    }

    @Test
    void parsesPaths() {
        List<MsrpUri> p = MsrpUri.parsePath("msrp://r:1/a;tcp  msrp://b:2/c;tcp");
        assertThat(p).hasSize(2);
        assertThat(MsrpUri.formatPath(p)).isEqualTo("msrp://r:1/a;tcp msrp://b:2/c;tcp");
    }

    @Test
    void parsedPathsAreReusedOnlyForEqualText() {
        String text = "msrp://r:1/a;tcp\tmsrp://b:2/c;tcp";
        List<MsrpUri> first = MsrpUri.parsePath(text);
        assertThat(MsrpUri.parsePath(new String(text))).isSameAs(first).hasSize(2);
        assertThat(first.get(1).sessionId()).isEqualTo("c");
        assertThatThrownBy(() -> first.add(first.get(0))).isInstanceOf(UnsupportedOperationException.class);
        // Many different paths (more than the cache holds) each parse to their own value.
        for (int i = 0; i < 500; i++) {
            assertThat(MsrpUri.parsePath(" msrp://h:" + (i + 1) + "/s" + i + ";tcp ").get(0).port()).isEqualTo(i + 1);
        }
        assertThat(MsrpUri.parsePath(text)).isEqualTo(first);
        // A malformed path fails every time, it is never cached.
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> MsrpUri.parsePath("msrp://h:1/a;tcp msrp://h:1/b")).isInstanceOf(
                    IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> MsrpUri.parsePath(" \r\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void transactionIdsAreValidAndDistinct() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String tid = TransactionIds.next();
            assertThat(tid).hasSize(16).matches("[a-z0-9]{16}");
            assertThat(TransactionIds.isValid(tid)).isTrue();
            seen.add(tid);
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void rejectsMalformedUris() {
        for (String bad : new String[] {"http://h:1/a;tcp", "msrp://h:1/a", "msrp://:1/a;tcp", "msrp://h:x/a;tcp",
                "msrp://h:1/a b;tcp", "msrp://h:1/a;", "msrp://[::1:1/a;tcp"}) {
            assertThatThrownBy(() -> MsrpUri.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void byteRangeParsesStars() {
        assertThat(ByteRange.parse("1-*/*")).isEqualTo(new ByteRange(1, ByteRange.UNKNOWN, ByteRange.UNKNOWN));
        assertThat(ByteRange.parse("1-0/0").format()).isEqualTo("1-0/0");
        assertThat(ByteRange.parse("65537-131072/200000").format()).isEqualTo("65537-131072/200000");
    }
}
