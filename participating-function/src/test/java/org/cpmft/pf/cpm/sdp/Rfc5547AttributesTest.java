package org.cpmft.pf.cpm.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.cpmft.pf.cpm.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc5547AttributesTest {

    @Test
    void selectorsInAnyOrder() {
        FileSelector a = FileSelector.parse("name:\"a b.jpg\" type:image/jpeg size:10 hash:sha-1:" + Samples.HASH);
        FileSelector b = FileSelector.parse("hash:sha-1:" + Samples.HASH + " size:10 type:image/jpeg name:\"a b.jpg\"");
        assertThat(a).isEqualTo(b);
        assertThat(a.format()).isEqualTo("name:\"a b.jpg\" type:image/jpeg size:10 hash:sha-1:" + Samples.HASH);
        assertThat(FileSelector.parse(a.format())).isEqualTo(a);
    }

    @Test
    void nameIsPercentDecodedUtf8() {
        FileSelector fs = FileSelector.parse("name:\"%22quoted%22 100%25 caf%C3%A9 \u00e9t\u00e9 \uD83D\uDE00.txt\"");
        assertThat(fs.name()).contains("\"quoted\" 100% caf\u00e9 \u00e9t\u00e9 \uD83D\uDE00.txt");
        assertThat(fs.format()).isEqualTo("name:\"%22quoted%22 100%25 caf\u00e9 \u00e9t\u00e9 \uD83D\uDE00.txt\"");
        assertThat(FileSelector.parse(fs.format())).isEqualTo(fs);
        assertThat(FileSelector.encodeName("a\r\n\0\"%")).isEqualTo("a%0D%0A%00%22%25");
    }

    @Test
    void typeWithQuotedParameters() {
        FileSelector fs = FileSelector.parse("type:text/plain;charset=\"UTF-8\";name=\"my file\" size:3");
        assertThat(fs.type()).contains("text/plain;charset=\"UTF-8\";name=\"my file\"");
        assertThat(fs.size()).hasValue(3);
        // unquoted parameter values are outside the RFC 5547 grammar but accepted
        assertThat(FileSelector.parse("type:text/plain;charset=utf-8").type()).contains("text/plain;charset=utf-8");
    }

    @Test
    void emptyAndUnknownSelectors() {
        assertThat(FileSelector.parse(null).isEmpty()).isTrue();
        assertThat(FileSelector.parse("  ").isEmpty()).isTrue();
        FileSelector ext = FileSelector.parse("size:5 x-color:\"red green\" name:\"n\"");
        assertThat(ext.extensions()).containsExactly("x-color:\"red green\"");
        assertThat(ext.isEmpty()).isFalse();
        assertThat(ext.format()).isEqualTo("name:\"n\" size:5 x-color:\"red green\"");
        assertThat(FileSelector.of("f", "text/plain", 1).format()).isEqualTo("name:\"f\" type:text/plain size:1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "name:\"\"",
            "name:unquoted",
            "name:\"open",
            "name:\"bad%2\"",
            "name:\"bad%zz\"",
            "name:\"a\" name:\"b\"",
            "size:1 size:2",
            "type:image",
            "type:image/jpeg;charset=",
            "type:image/jpeg;=x",
            "type:/jpeg",
            "hash:sha-1",
            "hash:sha-1:12:34",
            "hash:sha-1:GG",
            "hash::12",
            "nocolon",
            "name:\"a\"size:1",
            "size:1 junk"
    })
    void rejectsMalformedSelectors(String value) {
        assertThatThrownBy(() -> FileSelector.parse(value)).isInstanceOf(SdpSyntaxException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"size:", "size:-1", "size:1.5", "size:99999999999999999999", "size:1e3"})
    void badSizes(String value) {
        assertThatThrownBy(() -> FileSelector.parse(value)).isInstanceOfSatisfying(SdpSyntaxException.class,
                e -> assertThat(e.code()).isEqualTo(SdpProblem.Code.BAD_SIZE));
    }

    @Test
    void sizeLimitsAndZero() {
        assertThat(FileSelector.parse("size:0").size()).hasValue(0);
        assertThat(FileSelector.parse("size:999999999999999999").size()).hasValue(999_999_999_999_999_999L);
        assertThat(FileSelector.parse("size:007").size()).hasValue(7);
    }

    @Test
    void hashForms() throws Exception {
        FileHash h = FileHash.parse("SHA-1:" + Samples.HASH.toLowerCase());
        assertThat(h.algorithm()).isEqualTo("sha-1");
        assertThat(h.value()).isEqualTo(Samples.HASH);
        byte[] digest = MessageDigest.getInstance("SHA-1").digest("hello".getBytes());
        FileHash fromDigest = FileHash.sha1(digest);
        assertThat(fromDigest.bytes()).isEqualTo(digest);
        assertThat(FileHash.parse(fromDigest.format())).isEqualTo(fromDigest);
        assertThat(new FileHash("sha-256", "AB:CD").format()).isEqualTo("sha-256:AB:CD");
        assertThatThrownBy(() -> new FileHash("sh a", "AB")).isInstanceOf(SdpSyntaxException.class);
        assertThatThrownBy(() -> new FileHash("md5", "ABC")).isInstanceOf(SdpSyntaxException.class);
        assertThatThrownBy(() -> FileHash.parse(":AB")).isInstanceOf(SdpSyntaxException.class);
    }

    @Test
    void fileRanges() {
        assertThat(FileRange.parse("1-32349")).isEqualTo(new FileRange(1, OptionalLong.of(32349)));
        assertThat(FileRange.parse(" 1001-* ")).isEqualTo(new FileRange(1001, OptionalLong.empty()));
        assertThat(FileRange.parse("5-5").length()).hasValue(1);
        assertThat(FileRange.parse("5-*").length()).isEmpty();
        assertThat(FileRange.parse("10-20").format()).isEqualTo("10-20");
        assertThat(FileRange.resumingAfter(0).format()).isEqualTo("1-*");
        for (String bad : new String[] {"0-5", "5-4", "-5", "5-", "a-b", "1-2-3", "", "1_2", "1--"}) {
            assertThatThrownBy(() -> FileRange.parse(bad)).as(bad).isInstanceOf(SdpSyntaxException.class);
        }
        assertThatThrownBy(() -> FileRange.parse(null)).isInstanceOf(SdpSyntaxException.class);
    }

    @Test
    void fileDates() {
        FileDate d = FileDate.parse("creation:\"Mon, 15 May 2006 15:01:31 +0300\" modification:\"Tue, 16 May 2006 08:00:00 -0000\" read:\"17 May 2006 10:00:00 +0000\"");
        assertThat(d.creationTime()).contains(OffsetDateTime.of(2006, 5, 15, 15, 1, 31, 0, ZoneOffset.ofHours(3)));
        assertThat(d.modificationTime()).isPresent();
        assertThat(d.readTime()).isPresent();
        assertThat(FileDate.parse(d.format())).isEqualTo(d);
        FileDate onlyMod = FileDate.parse("modification:\"Mon, 15 May 2006 15:01:31 +0300\"");
        assertThat(onlyMod.creation()).isEmpty();
        assertThat(onlyMod.creationTime()).isEmpty();
        for (String bad : new String[] {"", "creation:Mon", "creation:\"yesterday\"", "birth:\"Mon, 15 May 2006 15:01:31 +0300\"",
                "creation:\"Mon, 15 May 2006 15:01:31 +0300", "creation:\"Mon, 15 May 2006 15:01:31 +0300\" creation:\"Mon, 15 May 2006 15:01:31 +0300\""}) {
            assertThatThrownBy(() -> FileDate.parse(bad)).as(bad).isInstanceOf(SdpSyntaxException.class);
        }
        assertThat(new FileDate(Optional.empty(), Optional.empty(), Optional.empty()).format()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "msrp://atlanta.example.com:7654/jshA7we;tcp",
            "msrps://bob@biloxi.example.com:12763/kjhd37s2s20w2a;tcp",
            "MSRP://192.0.2.1/s;tcp",
            "msrp://[2001:db8::1]:2855/a/b+c=;tcp;extra=1",
            "msrp://host/sess;ws"
    })
    void validMsrpUris(String uri) {
        assertThat(MsrpUris.isValid(uri)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "msrp://host:2855/sess",
            "msrp://host:2855;tcp",
            "http://host/s;tcp",
            "msrp:/host/s;tcp",
            "msrp://host:123456/s;tcp",
            "msrp://ho st/s;tcp",
            "msrp://host/s s;tcp",
            ""
    })
    void invalidMsrpUris(String uri) {
        assertThat(MsrpUris.isValid(uri)).isFalse();
        assertThat(MsrpUris.isValid(null)).isFalse();
    }

    @Test
    void contentIds() {
        assertThat(ContentIds.decodeCidUrl("cid:foo4%25bar@example.com")).isEqualTo("foo4%bar@example.com");
        assertThat(ContentIds.decodeCidUrl("CID:a@b")).isEqualTo("a@b");
        assertThat(ContentIds.decodeCidUrl("cid:100%")).isEqualTo("100%");
        assertThat(ContentIds.fromHeader(" <a@b> ")).isEqualTo("a@b");
        assertThat(ContentIds.fromHeader("a@b")).isEqualTo("a@b");
        assertThat(ContentIds.toCidUrl("a%b c@d")).isEqualTo("cid:a%25b%20c@d");
        assertThat(ContentIds.decodeCidUrl(ContentIds.toCidUrl("x<y>\"z\"@h"))).isEqualTo("x<y>\"z\"@h");
    }

    @Test
    void fileTransferStreamSummary() {
        SdpSession s = SdpSession.parse(Samples.TWO_FILES);
        FileTransferStream f = FileTransferStream.of(s, 1);
        assertThat(f.mediaIndex()).isEqualTo(1);
        assertThat(f.fileTransferId()).isEqualTo("ft2");
        assertThat(f.isPush()).isTrue();
        assertThat(f.isPull()).isFalse();
        assertThat(f.range()).contains(new FileRange(1001, OptionalLong.of(2000)));
        assertThat(f.selector().name()).contains("b.bin");
        assertThat(f.mediaText()).startsWith("m=message 2855 TCP/MSRP *\r\n").endsWith("a=file-range:1001-2000\r\n");
        assertThat(f.iconContentId()).isEmpty();
        SdpSession noId = SdpSession.parse("v=0\r\nm=message 1 TCP/MSRP *\r\na=file-selector:size:1\r\na=recvonly\r\n");
        assertThatThrownBy(() -> FileTransferStream.of(noId, 0)).isInstanceOfSatisfying(SdpSyntaxException.class,
                e -> assertThat(e.code()).isEqualTo(SdpProblem.Code.MISSING_FILE_TRANSFER_ID));
        SdpSession noSel = SdpSession.parse("v=0\r\nm=message 1 TCP/MSRP *\r\n");
        assertThatThrownBy(() -> FileTransferStream.of(noSel, 0)).isInstanceOf(SdpSyntaxException.class);
        SdpSession pull = SdpSession.parse("v=0\r\nm=message 1 TCP/MSRP *\r\na=file-selector:size:1\r\na=recvonly\r\na=file-transfer-id:x\r\n");
        assertThat(FileTransferStream.of(pull, 0).isPull()).isTrue();
        assertThat(List.of(FileTransferStream.of(pull, 0).direction())).containsExactly(Direction.RECVONLY);
    }
}
