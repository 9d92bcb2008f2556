package org.cpmft.pf.cpm.header;

/**
 * A Warning header value (RFC 3261 section 20.43): {@code warn-code SP warn-agent SP warn-text}.
 *
 * @param code  three-digit warn-code (399 = miscellaneous warning)
 * @param agent host name (and optional port) of the PF, or a pseudonym
 * @param text  the warning text, unquoted
 */
public record Warning(int code, String agent, String text) {

    /** RFC 3261 section 20.43: "Miscellaneous warning". */
    public static final int MISCELLANEOUS = 399;

    public Warning {
        if (code < 300 || code > 399) {
            throw new IllegalArgumentException("warn-code must be 3xx: " + code);
        }
        if (agent == null || agent.isBlank() || agent.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("warn-agent must be a non-empty token without spaces: " + agent);
        }
        if (text == null) {
            throw new IllegalArgumentException("warn-text is null");
        }
    }

    public static Warning miscellaneous(String agent, String text) {
        return new Warning(MISCELLANEOUS, agent, text);
    }

    /** The header value, e.g. {@code 399 pf.example.net "133 Size exceeded"}. */
    public String headerValue() {
        return code + " " + agent + " " + HeaderValues.quote(text);
    }

    @Override
    public String toString() {
        return headerValue();
    }
}
