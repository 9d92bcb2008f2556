package org.cpmft.pf.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP network written as {@code address/prefix} (or a single address). Host bits in the address
 * are cleared, so {@code 127.0.0.1/8} is the network 127.0.0.0/8.
 */
public record CidrBlock(InetAddress network, int prefixLength) {

    public CidrBlock {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0-" + bits);
        }
        network = mask(network, prefixLength);
    }

    /** @throws IllegalArgumentException with a short reason when the text is not an address or CIDR block */
    public static CidrBlock parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        InetAddress address = Hosts.ipLiteral(addressPart);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
        }
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("'" + text + "' has a bad prefix length (0-" + bits + ")");
            }
            prefix = Integer.parseInt(p);
        }
        return new CidrBlock(address, prefix);
    }

    /** True when the address lies in this block; IPv4 and IPv6 blocks never contain each other. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        return a.length == n.length && Arrays.equals(mask(a, prefixLength), n);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    private static InetAddress mask(InetAddress address, int prefix) {
        try {
            return InetAddress.getByAddress(mask(address.getAddress(), prefix));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff00 >> keep);
        }
        return out;
    }
}
