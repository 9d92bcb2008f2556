package org.cpmft.pf.cpm.sdp;

/**
 * The {@code o=} line (RFC 4566 section 5.2):
 * {@code o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>}.
 * A B2BUA sends its own origin on each leg and increments the version on every new offer it
 * makes on that leg (RFC 3264 section 8).
 */
public record Origin(String username, String sessionId, String sessionVersion, String netType, String addrType,
                     String address) {

    public static Origin parse(String value) {
        String[] f = value.trim().split(" +");
        if (f.length != 6) {
            throw new SdpSyntaxException(SdpProblem.Code.MALFORMED_SDP, "bad o= line: " + value);
        }
        return new Origin(f[0], f[1], f[2], f[3], f[4], f[5]);
    }

    public String format() {
        return String.join(" ", username, sessionId, sessionVersion, netType, addrType, address);
    }
}
