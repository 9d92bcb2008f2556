package org.cpmft.msrp.message;

import java.security.SecureRandom;

/** Transaction ids ({@code ident} of RFC 4975 section 9: ALPHANUM 3*31ident-char). */
public final class TransactionIds {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

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
        char[] c = new char[16];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
