package org.cpmft.msrp.message;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Transaction ids ({@code ident} of RFC 4975 section 9: ALPHANUM 3*31ident-char). */
public final class TransactionIds {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    /** 7 * 36: random bytes below it map to the alphabet without bias, the rest are drawn again. */
    private static final int UNBIASED_LIMIT = 252;
    /**
     * One DRBG (NIST SP 800-90A, seeded from the platform's entropy source) per thread, drawn 1 KiB at a time.
     * The default {@code SecureRandom} on Linux (NativePRNG) takes a global lock and reads /dev/urandom on most
     * calls; ids are made for every relayed frame on every I/O thread, and each {@code nextBytes} call of the
     * DRBG has a fixed cost (lock, hashing the state) that one id per call would pay every time.
     */
    private static final ThreadLocal<RandomBytes> RANDOM = ThreadLocal.withInitial(RandomBytes::new);

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

    /** A fresh random id of 16 characters (about 82 bits); unguessable so end-lines cannot be forged in bodies. */
    public static String next() {
        RandomBytes random = RANDOM.get();
        char[] c = new char[16];
        int n = 0;
        while (n < c.length) {
            int b = random.next();
            if (b < UNBIASED_LIMIT) {
                c[n++] = ALPHABET[b % ALPHABET.length];
            }
        }
        return new String(c);
    }

    /** Random bytes of one thread's generator, fetched in blocks and each handed out once. */
    private static final class RandomBytes {
        private final SecureRandom generator = newGenerator();
        private final byte[] block = new byte[1024];
        private int position = block.length;

        int next() {
            if (position == block.length) {
                generator.nextBytes(block);
                position = 0;
            }
            return block[position++] & 0xff;
        }

        private static SecureRandom newGenerator() {
            try {
                return SecureRandom.getInstance("DRBG");
            } catch (NoSuchAlgorithmException e) {
                return new SecureRandom();
            }
        }
    }
}
