package org.cpmft.pf.cpm.imdn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The disposition notifications a message asks for (RFC 5438 section 6, as CPM 5.4 uses it): CPIM
 * headers in the {@code urn:ietf:params:imdn} namespace: {@code Message-ID} (6.3) and
 * {@code Disposition-Notification} (6.2, a comma list of {@code positive-delivery},
 * {@code negative-delivery}, {@code processing}, {@code display}), with the message's CPIM
 * {@code DateTime} (RFC 3862 section 4.6), which every IMDN about it repeats (RFC 5438 section 7.2.1.1).
 *
 * @param messageId                 imdn.Message-ID
 * @param dispositionNotification   the tokens as the sender wrote them, comma separated (unknown ones
 *                                  dropped, RFC 5438 section 6.2 lets them be ignored)
 * @param dateTime                  the CPIM DateTime, as written; empty when the message has none
 */
public record DispositionRequest(String messageId, String dispositionNotification, Optional<String> dateTime) {

    public static final String NAMESPACE = "urn:ietf:params:imdn";
    static final Set<String> TOKENS = Set.of("positive-delivery", "negative-delivery", "processing", "display");
    /** RFC 5438 section 6.3: at least 32 bits of randomness, in practice short; bound it. */
    static final int MAX_ID_LENGTH = 255;
    private static final Pattern ID = Pattern.compile("[\\x21-\\x7e]{1," + MAX_ID_LENGTH + "}");
    /** RFC 3339 date-time (RFC 3862 section 4.6). */
    private static final Pattern DATE_TIME = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

    /**
     * The request in a CPIM message; empty when it asks for nothing (no imdn.Message-ID, or no
     * Disposition-Notification token this PF knows).
     *
     * @throws ImdnSyntaxException when the imdn headers are there but malformed
     */
    public static Optional<DispositionRequest> of(CpimMessage cpim) {
        Optional<String> id = cpim.header(NAMESPACE, "Message-ID");
        Optional<String> dn = cpim.header(NAMESPACE, "Disposition-Notification");
        if (id.isEmpty() || dn.isEmpty()) {
            return Optional.empty();
        }
        if (!ID.matcher(id.get()).matches()) {
            throw new ImdnSyntaxException("malformed imdn.Message-ID");
        }
        List<String> tokens = new ArrayList<>();
        for (String t : dn.get().split(",", 8)) {
            String token = t.strip().toLowerCase(Locale.ROOT);
            if (TOKENS.contains(token) && !tokens.contains(token)) {
                tokens.add(token);
            }
        }
        if (tokens.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DispositionRequest(id.get(), String.join(", ", tokens), dateTime(cpim)));
    }

    /** The CPIM DateTime of a message, when present and well formed (RFC 3339). */
    public static Optional<String> dateTime(CpimMessage cpim) {
        return cpim.header("DateTime").filter(d -> DATE_TIME.matcher(d).matches());
    }

    public boolean asks(String token) {
        for (String t : dispositionNotification.split(",")) {
            if (t.strip().equals(token)) {
                return true;
            }
        }
        return false;
    }
}
