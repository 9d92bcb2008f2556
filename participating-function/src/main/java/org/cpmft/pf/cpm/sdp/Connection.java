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

    /** {@code IN IP4 host} or {@code IN IP6 address} depending on the address form. */
    public static Connection forHost(String host) {
        return new Connection("IN", host.indexOf(':') >= 0 ? "IP6" : "IP4", host);
    }

    public String format() {
        return netType + " " + addrType + " " + address;
    }
}
