package org.cpmft.pf.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Checks of host names and IP address literals, without any DNS lookup (a name that does not
 * resolve yet, e.g. a Kubernetes service during rollout, is still a valid setting).
 */
public final class Hosts {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern LOOKS_NUMERIC = Pattern.compile("[\\d.]+");
    // RFC 1123 section 2.1 host name; a trailing dot (fully qualified) is allowed.
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}\\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private Hosts() {
    }

    /** True for an IPv4 or IPv6 literal (IPv6 with or without brackets) or an RFC 1123 host name. */
    public static boolean isValid(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (host.indexOf(':') >= 0) {
            return ipLiteral(host) != null;
        }
        if (LOOKS_NUMERIC.matcher(host).matches()) {
            return IPV4.matcher(host).matches();
        }
        return HOST_NAME.matcher(host).matches();
    }

    /** The address of an IP literal, or {@code null} when the text is not an IP literal. */
    public static InetAddress ipLiteral(String text) {
        String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        try {
            if (IPV4.matcher(s).matches()) {
                return InetAddress.getByName(s);
            }
            if (s.indexOf(':') >= 0 && s.matches("[0-9A-Za-z:.%]+")) {
                // Brackets make the JDK parse an IPv6 literal and never fall back to DNS.
                InetAddress a = InetAddress.getByName("[" + s + "]");
                return a instanceof Inet6Address || a instanceof Inet4Address ? a : null;
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    /** True for 0.0.0.0 and ::, which cannot be put in a URI that a peer connects to. */
    public static boolean isWildcard(String host) {
        InetAddress a = ipLiteral(host);
        return a != null && a.isAnyLocalAddress();
    }
}
