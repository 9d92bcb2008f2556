package org.cpmft.pf.cpm.sdp;

import java.util.regex.Pattern;

/** Syntax check of MSRP URIs as they appear in {@code a=path} (RFC 4975 section 9). */
public final class MsrpUris {

    // msrp-scheme "://" authority ["/" session-id] ";" transport *( ";" URI-parameter ).
    // session-id = 1*( unreserved / "+" / "=" / "/" ); mandatory in a=path, where it names the session.
    private static final Pattern URI = Pattern.compile(
            "(?i)msrps?://([^@/\\s;]+@)?(\\[[0-9a-f:.]+\\]|[a-z0-9.-]+)(:[0-9]{1,5})?/[A-Za-z0-9._~+=/-]+;[a-z0-9-]+(;[^\\s]*)?");

    private MsrpUris() {
    }

    public static boolean isValid(String uri) {
        return uri != null && URI.matcher(uri).matches();
    }
}
