package org.cpmft.msrp.message;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Transaction ids ({@code ident} of RFC 4975 section 9: ALPHANUM 3*31ident-char). */
public final class TransactionIds {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    /** 7 * 36: random bytes below it map to the alphabet without bias, the rest are drawn again. */
    private static final int UNBIASED_LIMIT = 252;
    /**
     * One DRBG (NIST SP 800-90A, seeded from the platform's entropy source) per thread. The default
     * {@code SecureRandom} on Linux (NativePRNG) takes a global lock and reads /dev/urandom on most
     * calls; ids are made for every relayed frame on every I/O thread.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(TransactionIds::newGenerator);

    private TransactionIds() {
    }

    public static boolean isValid(String tid) {
        if (tid == null || tid.length() < 4 || tid.length() > 32 || !isAlphanum(tid.charAt(0))) {
            return false;
        }
        for (int i = 1; i < tid.length(); i++) {
            char c = tid.charAt(i);
            if (!(isAlphanum(c) || c == '.' || c == '-' || c == '+' || c == '%' || c == '=')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphanum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static SecureRandom newGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** A fresh random id of 16 characters (about 82 bits); unguessable so end-lines cannot be forged in bodies. */
    public static String next() {
        SecureRandom random = RANDOM.get();
        byte[] bytes = new byte[24];
        char[] c = new char[16];
        int n = 0;
        while (n < c.length) {
            random.nextBytes(bytes);
            for (int i = 0; i < bytes.length && n < c.length; i++) {
                int b = bytes[i] & 0xff;
                if (b < UNBIASED_LIMIT) {
                    c[n++] = ALPHABET[b % ALPHABET.length];
                }
            }
        }
        return new String(c);
    }
}
