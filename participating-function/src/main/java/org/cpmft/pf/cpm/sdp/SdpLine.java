package org.cpmft.pf.cpm.sdp;

/**
 * One line of an SDP body exactly as received: its text and its line terminator ({@code "\r\n"},
 * {@code "\n"}, or {@code ""} for a last line without one). Lines are kept verbatim so that
 * {@link SdpSession#format()} reproduces unmodified input byte for byte.
 *
 * @param content the line without its terminator, e.g. {@code a=path:msrp://...}
 * @param eol     the terminator as received
 */
public record SdpLine(String content, String eol) {

    public SdpLine {
        if (content == null || eol == null) {
            throw new IllegalArgumentException("null content or eol");
        }
        if (content.indexOf('\n') >= 0) {
            // A lone CR is kept as content, but a line can never smuggle in another line.
            throw new IllegalArgumentException("line content contains LF");
        }
    }

    /** The line type letter (RFC 4566 section 5: {@code <type>=<value>}), or {@code 0} if the line has another shape. */
    public char type() {
        return content.length() >= 2 && content.charAt(1) == '=' ? content.charAt(0) : 0;
    }

    /** The text after {@code <type>=}, or the whole line if it has no type. */
    public String value() {
        return type() == 0 ? content : content.substring(2);
    }

    public boolean isAttribute() {
        return type() == 'a';
    }

    /** For {@code a=name:value} or {@code a=name}: the name; {@code null} if not an attribute. */
    public String attributeName() {
        if (!isAttribute()) {
            return null;
        }
        String v = value();
        int colon = v.indexOf(':');
        return colon < 0 ? v : v.substring(0, colon);
    }

    /** For {@code a=name:value}: the value; {@code null} for a property attribute or a non-attribute. */
    public String attributeValue() {
        if (!isAttribute()) {
            return null;
        }
        String v = value();
        int colon = v.indexOf(':');
        return colon < 0 ? null : v.substring(colon + 1);
    }

    /**
     * Whether this is the attribute {@code name}. RFC 4566 attribute names are case-sensitive, but
     * every attribute this PF reads is all lower-case and no two differ only by case, so case is
     * ignored to accept senders that capitalise.
     */
    public boolean isAttribute(String name) {
        return isAttribute() && name.equalsIgnoreCase(attributeName());
    }

    public String formatted() {
        return content + eol;
    }

    public SdpLine withContent(String newContent) {
        return new SdpLine(newContent, eol);
    }

    public SdpLine withEol(String newEol) {
        return new SdpLine(content, newEol);
    }

    static SdpLine attribute(String name, String value, String eol) {
        return new SdpLine(value == null ? "a=" + name : "a=" + name + ":" + value, eol);
    }
}
