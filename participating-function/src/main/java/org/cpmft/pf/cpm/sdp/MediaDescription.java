package org.cpmft.pf.cpm.sdp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One media description: its {@code m=} line and every line after it up to the next {@code m=}
 * line, kept verbatim. Typed accessors read the RFC 4975 (MSRP) and RFC 5547 (file transfer)
 * attributes on demand; "with" methods return a modified copy and leave untouched lines as they were.
 */
public final class MediaDescription {

    private final List<SdpLine> lines;
    private final MediaLine mediaLine;

    MediaDescription(List<SdpLine> lines) {
        if (lines.isEmpty() || lines.get(0).type() != 'm') {
            throw new IllegalArgumentException("a media description starts with an m= line");
        }
        this.lines = List.copyOf(lines);
        this.mediaLine = MediaLine.parse(lines.get(0).value());
    }

    public List<SdpLine> lines() {
        return lines;
    }

    public MediaLine mediaLine() {
        return mediaLine;
    }

    public int port() {
        return mediaLine.port();
    }

    /** Port 0: a rejected or closed stream (RFC 3264 sections 6 and 8.2; OMA CPM 7.4.1 re-INVITE). */
    public boolean isClosed() {
        return mediaLine.port() == 0;
    }

    public boolean isMsrp() {
        return mediaLine.media().equalsIgnoreCase("message") && mediaLine.isMsrp();
    }

    /** An MSRP stream carrying a file-selector: a file transfer stream (RFC 5547 section 5). */
    public boolean isFileTransfer() {
        return isMsrp() && hasAttribute("file-selector");
    }

    // ---- generic attribute access ------------------------------------------------------------

    public boolean hasAttribute(String name) {
        return lines.stream().anyMatch(l -> l.isAttribute(name));
    }

    /** Values of every {@code a=name:value} line (an empty string for a property attribute {@code a=name}). */
    public List<String> attributeValues(String name) {
        List<String> out = new ArrayList<>();
        for (SdpLine l : lines) {
            if (l.isAttribute(name)) {
                out.add(l.attributeValue() == null ? "" : l.attributeValue());
            }
        }
        return out;
    }

    public Optional<String> attribute(String name) {
        List<String> v = attributeValues(name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public Optional<Connection> connection() {
        return lines.stream().filter(l -> l.type() == 'c').findFirst().map(l -> Connection.parse(l.value()));
    }

    // ---- MSRP (RFC 4975 section 8) --------------------------------------------------------

    /** The MSRP URIs of {@code a=path}, in order; several a=path lines are concatenated. */
    public List<String> path() {
        List<String> out = new ArrayList<>();
        for (String v : attributeValues("path")) {
            out.addAll(words(v));
        }
        return out;
    }

    public List<String> acceptTypes() {
        return attribute("accept-types").map(MediaDescription::words).orElse(List.of());
    }

    public List<String> acceptWrappedTypes() {
        return attribute("accept-wrapped-types").map(MediaDescription::words).orElse(List.of());
    }

    /** {@code a=max-size} (RFC 4975 section 8.6), largest message the endpoint will receive. */
    public OptionalLong maxSize() {
        Optional<String> v = attribute("max-size");
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        String s = v.get().trim();
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_MAX_SIZE, "bad max-size: " + v.get());
        }
        return OptionalLong.of(Long.parseLong(s));
    }

    public Optional<Setup> setup() {
        Optional<String> v = attribute("setup");
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Setup.fromToken(v.get())
                .orElseThrow(() -> new SdpSyntaxException(SdpProblem.Code.BAD_SETUP, "bad setup: " + v.get())));
    }

    /** The direction attributes written at media level, in order (normally zero or one). */
    public List<Direction> explicitDirections() {
        List<Direction> out = new ArrayList<>();
        for (SdpLine l : lines) {
            if (l.isAttribute() && l.attributeValue() == null) {
                Direction.fromAttributeName(l.attributeName()).ifPresent(out::add);
            }
        }
        return out;
    }

    // ---- file transfer (RFC 5547 section 6) ----------------------------------------------

    /** The parsed {@code a=file-selector}; throws {@link SdpSyntaxException} if it is malformed. */
    public Optional<FileSelector> fileSelector() {
        return attribute("file-selector").map(FileSelector::parse);
    }

    public Optional<String> fileTransferId() {
        return attribute("file-transfer-id").map(String::trim);
    }

    public Optional<String> fileDisposition() {
        return attribute("file-disposition").map(String::trim);
    }

    public Optional<FileDate> fileDate() {
        return attribute("file-date").map(FileDate::parse);
    }

    /**
     * The Content-ID referenced by {@code a=file-icon:cid:...} (RFC 5547 section 6, RFC 2392), i.e.
     * the text after {@code cid:}, percent-decoded; throws if the value is not a cid URL.
     */
    public Optional<String> fileIconContentId() {
        return attribute("file-icon").map(v -> {
            String t = v.trim();
            if (t.length() < 5 || !t.regionMatches(true, 0, "cid:", 0, 4)) {
                throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_ICON, "file-icon is not a cid URL: " + v);
            }
            return ContentIds.decodeCidUrl(t);
        });
    }

    public Optional<FileRange> fileRange() {
        return attribute("file-range").map(FileRange::parse);
    }

    // ---- modification ------------------------------------------------------------------

    /** Replaces {@code a=path} by one line with the given URIs (added at the end if absent). */
    public MediaDescription withPath(List<String> uris) {
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("a=path needs at least one URI");
        }
        for (String u : uris) {
            if (!MsrpUris.isValid(u)) {
                throw new IllegalArgumentException("not an MSRP URI: " + u);
            }
        }
        return withAttribute("path", String.join(" ", uris));
    }

    /** Sets the m-line port; 0 closes the stream (RFC 3264 section 8.2). */
    public MediaDescription withPort(int port) {
        List<SdpLine> copy = new ArrayList<>(lines);
        copy.set(0, lines.get(0).withContent("m=" + mediaLine.withPort(port).format()));
        return new MediaDescription(copy);
    }

    /** Sets a media-level {@code c=} line, replacing one or inserting it after the m= and i= lines (RFC 4566 order). */
    public MediaDescription withConnection(Connection connection) {
        List<SdpLine> copy = new ArrayList<>(lines);
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i).type() == 'c') {
                copy.set(i, copy.get(i).withContent("c=" + connection.format()));
                return new MediaDescription(copy);
            }
        }
        int at = 1;
        while (at < copy.size() && copy.get(at).type() == 'i') {
            at++;
        }
        insert(copy, at, "c=" + connection.format());
        return new MediaDescription(copy);
    }

    /**
     * Sets {@code a=name:value} ({@code a=name} when value is null): the first such line is
     * replaced and further ones removed; if there is none, the line is appended.
     */
    public MediaDescription withAttribute(String name, String value) {
        String content = value == null ? "a=" + name : "a=" + name + ":" + value;
        List<SdpLine> copy = new ArrayList<>();
        boolean done = false;
        for (SdpLine l : lines) {
            if (l.isAttribute(name)) {
                if (!done) {
                    copy.add(l.withContent(content));
                    done = true;
                }
            } else {
                copy.add(l);
            }
        }
        fixLastEol(copy);
        if (!done) {
            insert(copy, copy.size(), content);
        }
        return new MediaDescription(copy);
    }

    /** Removes every {@code a=name} line. */
    public MediaDescription withoutAttribute(String name) {
        List<SdpLine> copy = new ArrayList<>();
        for (SdpLine l : lines) {
            if (!l.isAttribute(name)) {
                copy.add(l);
            }
        }
        fixLastEol(copy);
        return new MediaDescription(copy);
    }

    /** Replaces the media-level direction attribute(s) by {@code direction}. */
    public MediaDescription withDirection(Direction direction) {
        List<SdpLine> copy = new ArrayList<>();
        for (SdpLine l : lines) {
            boolean isDirection = l.isAttribute() && l.attributeValue() == null
                    && Direction.fromAttributeName(l.attributeName()).isPresent();
            if (!isDirection) {
                copy.add(l);
            }
        }
        fixLastEol(copy);
        insert(copy, copy.size(), "a=" + direction.attributeName());
        return new MediaDescription(copy);
    }

    // Removing the last line must not drop the terminator the body ended with.
    private void fixLastEol(List<SdpLine> copy) {
        String lastEol = lines.get(lines.size() - 1).eol();
        SdpLine last = copy.get(copy.size() - 1);
        if (!last.eol().equals(lastEol)) {
            copy.set(copy.size() - 1, last.withEol(lastEol));
        }
    }

    private void insert(List<SdpLine> copy, int at, String content) {
        String eol = preferredEol();
        if (at == copy.size()) {
            SdpLine last = copy.get(copy.size() - 1);
            // The new line takes the last line's place as the final one (which may lack a terminator).
            copy.set(copy.size() - 1, last.withEol(eol));
            copy.add(new SdpLine(content, last.eol()));
        } else {
            copy.add(at, new SdpLine(content, eol));
        }
    }

    private String preferredEol() {
        for (SdpLine l : lines) {
            if (!l.eol().isEmpty()) {
                return l.eol();
            }
        }
        return "\r\n";
    }

    static List<String> words(String v) {
        String t = v.trim();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }

    public String format() {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l.formatted()));
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MediaDescription m && m.lines.equals(lines);
    }

    @Override
    public int hashCode() {
        return lines.hashCode();
    }

    @Override
    public String toString() {
        return format();
    }
}
