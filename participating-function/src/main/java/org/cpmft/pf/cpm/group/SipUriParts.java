package org.cpmft.pf.cpm.group;

import java.util.Optional;

/** The user part and host of a SIP URI from the network, read without trusting it. */
final class SipUriParts {

    /** Longer URIs are not looked at (RFC 3261 sets no limit; no identity is that long). */
    static final int MAX_URI_LENGTH = 2048;

    private SipUriParts() {
    }

    /** {user or null, lower-case host}; empty when {@code uri} is not a readable sip/sips URI. */
    static Optional<String[]> userAndHost(String uri) {
        if (uri == null || uri.length() > MAX_URI_LENGTH) {
            return Optional.empty();
        }
        String s = uri.strip();
        int lt = s.indexOf('<');
        if (lt >= 0) {
            int gt = s.indexOf('>', lt);
            if (gt < 0) {
                return Optional.empty();
            }
            s = s.substring(lt + 1, gt);
        }
        Optional<String> rest = WildcardedPsi.stripScheme(s);
        if (rest.isEmpty()) {
            return Optional.empty();
        }
        String r = rest.get();
        // Userinfo ends at its '@' ('@' is escaped inside it, and no URI parameter holds one,
        // RFC 3261 25.1); headers after '?' may hold anything.
        int q = r.indexOf('?');
        int at = r.lastIndexOf('@', q < 0 ? r.length() - 1 : q - 1);
        String user = null;
        String hostPort = r;
        if (at >= 0) {
            user = r.substring(0, at);
            int colon = user.indexOf(':'); // user:password
            if (colon >= 0) {
                user = user.substring(0, colon);
            }
            hostPort = r.substring(at + 1);
        }
        String host = WildcardedPsi.hostOf(hostPort);
        if (host.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new String[] {user, host});
    }
}
