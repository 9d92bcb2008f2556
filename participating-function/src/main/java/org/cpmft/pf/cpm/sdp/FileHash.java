package org.cpmft.pf.cpm.sdp;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code hash:} selector of {@code a=file-selector} (RFC 5547 section 6):
 * {@code hash:sha-1:72:24:5F:...}, every byte as two hex digits separated by colons.
 *
 * @param algorithm the hash algorithm token as in the IANA "Hash Function Textual Names" registry,
 *                  lower-cased (only {@code sha-1} is defined by RFC 5547)
 * @param value     the hash in canonical form: upper-case hex pairs separated by colons
 */
public record FileHash(String algorithm, String value) {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+");
    private static final Pattern HEX_PAIRS = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*");

    public FileHash {
        if (algorithm == null || !TOKEN.matcher(algorithm).matches()) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_HASH, "bad hash algorithm: " + algorithm);
        }
        if (value == null || !HEX_PAIRS.matcher(value).matches()) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_HASH, "bad hash value: " + value);
        }
        algorithm = algorithm.toLowerCase(Locale.ROOT);
        value = value.toUpperCase(Locale.ROOT);
        if (algorithm.equals("sha-1") && value.length() != 20 * 3 - 1) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_HASH, "sha-1 hash must have 20 bytes: " + value);
        }
    }

    /** Parses {@code <algorithm>:<hex>:<hex>...} (the text after {@code hash:}). */
    public static FileHash parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_HASH, "bad hash selector: " + text);
        }
        return new FileHash(text.substring(0, colon), text.substring(colon + 1));
    }

    public static FileHash sha1(byte[] digest) {
        return new FileHash("sha-1", HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest));
    }

    public byte[] bytes() {
        return HexFormat.ofDelimiter(":").parseHex(value);
    }

    public String format() {
        return algorithm + ":" + value;
    }
}
