package org.cpmft.pf.cpm.sdp;

import java.util.List;
import java.util.Locale;

/**
 * An {@code m=} line (RFC 4566 section 5.14): {@code m=<media> <port>[/<count>] <proto> <fmt> ...}.
 * For file transfer: {@code m=message 7654 TCP/MSRP *} (RFC 4975 section 8.1, RFC 5547).
 *
 * @param portCount the {@code /<number of ports>} suffix, or 0 when absent
 */
public record MediaLine(String media, int port, int portCount, String protocol, List<String> formats) {

    public static final String MSRP = "TCP/MSRP";
    public static final String MSRPS = "TCP/TLS/MSRP";

    public MediaLine {
        formats = List.copyOf(formats);
        if (port < 0 || port > 65535) {
            throw new SdpSyntaxException(SdpProblem.Code.MALFORMED_SDP, "m= port out of range: " + port);
        }
    }

    public static MediaLine parse(String value) {
        String[] f = value.trim().split(" +");
        if (f.length < 4) {
            throw new SdpSyntaxException(SdpProblem.Code.MALFORMED_SDP, "bad m= line: " + value);
        }
        String portText = f[1];
        int count = 0;
        int slash = portText.indexOf('/');
        try {
            if (slash >= 0) {
                count = Integer.parseInt(portText.substring(slash + 1));
                portText = portText.substring(0, slash);
            }
            if (!portText.chars().allMatch(Character::isDigit) || portText.length() > 5) {
                throw new NumberFormatException(portText);
            }
            return new MediaLine(f[0], Integer.parseInt(portText), count, f[2],
                    List.of(f).subList(3, f.length));
        } catch (NumberFormatException e) {
            throw new SdpSyntaxException(SdpProblem.Code.MALFORMED_SDP, "bad m= port: " + value);
        }
    }

    public boolean isMsrp() {
        String p = protocol.toUpperCase(Locale.ROOT);
        return p.equals(MSRP) || p.equals(MSRPS);
    }

    public boolean isSecureMsrp() {
        return protocol.equalsIgnoreCase(MSRPS);
    }

    public MediaLine withPort(int newPort) {
        return new MediaLine(media, newPort, portCount, protocol, formats);
    }

    public String format() {
        return media + " " + port + (portCount > 0 ? "/" + portCount : "") + " " + protocol + " "
                + String.join(" ", formats);
    }
}
