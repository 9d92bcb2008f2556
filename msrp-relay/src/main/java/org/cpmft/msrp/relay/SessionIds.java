package org.cpmft.msrp.relay;

import java.security.SecureRandom;

/** Session-ids for the relay's MSRP URIs: 100 random bits, base32 (RFC 4975 section 14.1 asks for >= 80). */
final class SessionIds {
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionIds() {
    }

    static String next() {
        byte[] bytes = new byte[13];
        RANDOM.nextBytes(bytes);
        char[] out = new char[20];
        int buffer = 0;
        int bits = 0;
        int i = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5 && i < out.length) {
                out[i++] = BASE32[(buffer >>> (bits - 5)) & 31];
                bits -= 5;
            }
        }
        return new String(out);
    }
}
