package org.cpmft.pf.cpm.sdp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * {@code a=file-selector} (RFC 5547 section 6): the selectors describing one file, in any order,
 * separated by single spaces:
 * <pre>
 *   name:"My cool picture.jpg" type:image/jpeg size:32349 hash:sha-1:72:24:5F:...:2E
 * </pre>
 * The file name is UTF-8; inside the quotes NUL, CR, LF, DQUOTE and "%" are written percent-encoded
 * ({@code filename-string}). The type may carry parameters with quoted values
 * ({@code type:text/plain;charset="UTF-8"}). Selectors this class does not know are kept verbatim in
 * {@link #extensions()} so a relay does not lose them.
 */
public record FileSelector(Optional<String> name, Optional<String> type, OptionalLong size, Optional<FileHash> hash,
                           List<String> extensions) {

    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(;[A-Za-z0-9!#$&^_.+-]+=(\"[^\"\\r\\n\\x00]*\"|[A-Za-z0-9!#$&^_.+-]+))*");

    public FileSelector {
        extensions = List.copyOf(extensions);
        if (name.isPresent() && name.get().isEmpty()) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_SELECTOR, "empty file name");
        }
        if (size.isPresent() && size.getAsLong() < 0) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_SIZE, "negative size");
        }
    }

    public static FileSelector of(String name, String type, long size) {
        return new FileSelector(Optional.of(name), Optional.of(type), OptionalLong.of(size), Optional.empty(), List.of());
    }

    public boolean isEmpty() {
        return name.isEmpty() && type.isEmpty() && size.isEmpty() && hash.isEmpty() && extensions.isEmpty();
    }

    /** Parses the attribute value (the text after {@code a=file-selector:}); null or blank gives an empty selector. */
    public static FileSelector parse(String value) {
        String name = null;
        String type = null;
        Long size = null;
        FileHash hash = null;
        List<String> extensions = new ArrayList<>();
        String v = value == null ? "" : value.trim();
        int i = 0;
        while (i < v.length()) {
            int colon = v.indexOf(':', i);
            int space = v.indexOf(' ', i);
            if (colon < 0 || (space >= 0 && space < colon)) {
                throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_SELECTOR, "selector without ':' in: " + value);
            }
            String key = v.substring(i, colon).toLowerCase(Locale.ROOT);
            int end = selectorEnd(v, colon + 1, value);
            String body = v.substring(colon + 1, end);
            switch (key) {
                case "name" -> {
                    ensureAbsent(name, key, value);
                    name = decodeName(body, value);
                }
                case "type" -> {
                    ensureAbsent(type, key, value);
                    if (!MEDIA_TYPE.matcher(body).matches()) {
                        throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_SELECTOR, "bad type selector: " + body);
                    }
                    type = body;
                }
                case "size" -> {
                    ensureAbsent(size, key, value);
                    size = parseSize(body);
                }
                case "hash" -> {
                    ensureAbsent(hash, key, value);
                    hash = FileHash.parse(body);
                }
                default -> extensions.add(v.substring(i, end));
            }
            i = end;
            if (i < v.length()) {
                if (v.charAt(i) != ' ') {
                    throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_SELECTOR, "selectors must be separated by a space: " + value);
                }
                while (i < v.length() && v.charAt(i) == ' ') {
                    i++;
                }
            }
        }
        return new FileSelector(Optional.ofNullable(name), Optional.ofNullable(type),
                size == null ? OptionalLong.empty() : OptionalLong.of(size), Optional.ofNullable(hash), extensions);
    }

    /** End index (exclusive) of a selector value starting at {@code from}: the next space outside quotes. */
    private static int selectorEnd(String v, int from, String whole) {
        boolean quoted = false;
        for (int j = from; j < v.length(); j++) {
            char c = v.charAt(j);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                return j;
            }
        }
        if (quoted) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_SELECTOR, "unterminated quoted string in: " + whole);
        }
        return v.length();
    }

    private static void ensureAbsent(Object previous, String key, String whole) {
        if (previous != null) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_SELECTOR, "repeated " + key + " selector in: " + whole);
        }
    }

    private static long parseSize(String body) {
        if (body.isEmpty() || body.length() > 18 || !body.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_SIZE, "bad size: " + body);
        }
        return Long.parseLong(body);
    }

    private static String decodeName(String body, String whole) {
        if (body.length() < 3 || body.charAt(0) != '"' || body.charAt(body.length() - 1) != '"') {
            throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_SELECTOR, "file name must be a non-empty quoted string: " + body);
        }
        String inner = body.substring(1, body.length() - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(inner.length());
        for (int j = 0; j < inner.length(); j++) {
            char c = inner.charAt(j);
            if (c == '%') {
                if (j + 2 >= inner.length() || Character.digit(inner.charAt(j + 1), 16) < 0
                        || Character.digit(inner.charAt(j + 2), 16) < 0) {
                    throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_SELECTOR, "bad percent-encoding in file name: " + body);
                }
                out.write(Integer.parseInt(inner.substring(j + 1, j + 3), 16));
                j += 2;
            } else if (c == '\r' || c == '\n' || c == 0) {
                throw new SdpSyntaxException(SdpProblem.Code.BAD_FILE_SELECTOR, "control character in file name: " + whole);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && j + 1 < inner.length()) {
                    b = inner.substring(j, j + 2).getBytes(StandardCharsets.UTF_8);
                    j++;
                }
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Percent-encodes the characters {@code filename-string} does not allow (NUL, CR, LF, DQUOTE, "%"). */
    public static String encodeName(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int j = 0; j < name.length(); j++) {
            char c = name.charAt(j);
            switch (c) {
                case 0 -> sb.append("%00");
                case '\r' -> sb.append("%0D");
                case '\n' -> sb.append("%0A");
                case '"' -> sb.append("%22");
                case '%' -> sb.append("%25");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The attribute value in the order name, type, size, hash, then extensions. */
    public String format() {
        List<String> parts = new ArrayList<>();
        name.ifPresent(n -> parts.add("name:\"" + encodeName(n) + "\""));
        type.ifPresent(t -> parts.add("type:" + t));
        size.ifPresent(s -> parts.add("size:" + s));
        hash.ifPresent(h -> parts.add("hash:" + h.format()));
        parts.addAll(extensions);
        return String.join(" ", parts);
    }
}
