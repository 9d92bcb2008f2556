package org.cpmft.pf.registration;

import java.util.Locale;
import org.cpmft.pf.cpm.header.HeaderValues;

/**
 * A device identifier: the value of the {@code +sip.instance} Contact parameter (RFC 5626 section
 * 4.1), a URN in angle brackets such as {@code <urn:gsma:imei:35209900-176148-0>} or
 * {@code <urn:uuid:f81d4fae-...>}. CPM 2.0 (seed 002, 4.2) uses it to deliver a deferred file and
 * its notifications to the device that took part in the transfer.
 *
 * <p>Normal form: unquoted, in angle brackets, lower case (URN NIDs and the hex of a UUID are
 * case-insensitive, RFC 8141 section 3.1 and RFC 4122 section 3; IMEI URNs are digits).
 */
public final class InstanceId {

    private InstanceId() {
    }

    /** The normal form, or null for null/blank input. */
    public static String normalize(String value) {
        if (value == null) {
            return null;
        }
        String v = HeaderValues.unquote(value.trim()).trim();
        if (v.startsWith("<") && v.endsWith(">")) {
            v = v.substring(1, v.length() - 1).trim();
        }
        if (v.isEmpty()) {
            return null;
        }
        return "<" + v.toLowerCase(Locale.ROOT) + ">";
    }
}
