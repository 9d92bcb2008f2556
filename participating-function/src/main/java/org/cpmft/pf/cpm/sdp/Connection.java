package org.cpmft.pf.cpm.sdp;

/**
 * A {@code c=} line (RFC 4566 section 5.7): {@code c=<nettype> <addrtype> <connection-address>}.
 */
public record Connection(String netType, String addrType, String address) {

    public static Connection parse(String value) {
        String[] f = value.trim().split(" +");
        if (f.length != 3) {
            throw new SdpSyntaxException(SdpProblem.Code.MALFORMED_SDP, "bad c= line: " + value);
        }
        return new Connection(f[0], f[1], f[2]);
    }

    /**
     * {@code IN IP4 host} or {@code IN IP6 address} depending on the address form; the brackets of a
     * URI-style IPv6 reference ({@code [2001:db8::1]}) are removed, as SDP writes the bare address.
     */
    public static Connection forHost(String host) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return new Connection("IN", h.indexOf(':') >= 0 ? "IP6" : "IP4", h);
    }

    public String format() {
        return netType + " " + addrType + " " + address;
    }
}
