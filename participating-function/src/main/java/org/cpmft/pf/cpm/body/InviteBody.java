package org.cpmft.pf.cpm.body;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The body of a CPM File Transfer INVITE: either a bare SDP offer ({@code application/sdp}) or a
 * {@code multipart/mixed} body holding the SDP offer and other parts, such as the file-icon image
 * referenced by {@code a=file-icon:cid:...} (RFC 5547 section 6) or a resource list for a group
 * (RFC 5366). The SDP is the first {@code application/sdp} part.
 */
public final class InviteBody {

    private final String contentTypeHeader;
    private final ContentType contentType;
    private final byte[] bytes;
    private final MultipartBody multipart;
    private final int sdpPart;

    private InviteBody(String contentTypeHeader, ContentType contentType, byte[] bytes, MultipartBody multipart,
                       int sdpPart) {
        this.contentTypeHeader = contentTypeHeader;
        this.contentType = contentType;
        this.bytes = bytes;
        this.multipart = multipart;
        this.sdpPart = sdpPart;
    }

    /** A body kept as it came, not looked into (for requests the PF passes through). */
    public static InviteBody opaque(String contentType, byte[] body) {
        byte[] b = body == null ? new byte[0] : body.clone();
        return new InviteBody(b.length == 0 ? null : contentType, null, b, null, -1);
    }

    /**
     * @param contentType the Content-Type header value, or null when the request has no body
     * @param body        the body bytes (null or empty for no body)
     */
    public static InviteBody parse(String contentType, byte[] body) {
        byte[] b = body == null ? new byte[0] : body.clone();
        if (b.length == 0) {
            return new InviteBody(null, null, b, null, -1);
        }
        if (contentType == null || contentType.isBlank()) {
            throw new BodyException("body without Content-Type");
        }
        ContentType ct = ContentType.parse(contentType);
        if (!ct.isMultipart()) {
            return new InviteBody(contentType, ct, b, null, ct.is(ContentType.SDP) ? 0 : -1);
        }
        MultipartBody mp = MultipartBody.parse(ct, b);
        int sdp = -1;
        List<MimePart> parts = mp.parts();
        for (int i = 0; i < parts.size(); i++) {
            // Every part's Content-Type is read now, so a malformed one fails here, not later.
            if (parts.get(i).contentType().is(ContentType.SDP) && sdp < 0) {
                sdp = i;
            }
        }
        return new InviteBody(contentType, ct, b, mp, sdp);
    }

    public static InviteBody ofSdp(String sdp) {
        return new InviteBody(ContentType.SDP, ContentType.parse(ContentType.SDP), sdp.getBytes(StandardCharsets.UTF_8),
                null, 0);
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    public boolean isMultipart() {
        return multipart != null;
    }

    /** The parsed Content-Type; empty when there is no body or the body is opaque. */
    public Optional<ContentType> contentType() {
        return Optional.ofNullable(contentType);
    }

    /** The Content-Type header value to send with {@link #bytes()}, or null when there is no body. */
    public String contentTypeValue() {
        return contentTypeHeader;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The SDP text (UTF-8), if the body carries an SDP. */
    public Optional<String> sdp() {
        if (sdpPart < 0) {
            return Optional.empty();
        }
        if (multipart == null) {
            return Optional.of(new String(bytes, StandardCharsets.UTF_8));
        }
        return Optional.of(multipart.part(sdpPart).contentAsString());
    }

    /** Parts of a multipart body (empty for a single-part body). */
    public List<MimePart> parts() {
        return multipart == null ? List.of() : multipart.parts();
    }

    /** The part whose Content-ID equals {@code contentId} (compared exactly, RFC 2392). */
    public Optional<MimePart> partByContentId(String contentId) {
        return parts().stream().filter(p -> p.contentId().filter(contentId::equals).isPresent()).findFirst();
    }

    /** Whether the body is, or contains a part, of the given MIME type (e.g. a resource list). */
    public boolean contains(String mimeType) {
        if (contentType != null && contentType.is(mimeType)) {
            return true;
        }
        return parts().stream().anyMatch(p -> p.contentType().is(mimeType));
    }

    /** A copy with the SDP replaced; the other parts stay byte for byte as they were. */
    public InviteBody withSdp(String sdp) {
        if (sdpPart < 0) {
            throw new IllegalStateException("body has no SDP");
        }
        byte[] sdpBytes = sdp.getBytes(StandardCharsets.UTF_8);
        if (multipart == null) {
            return new InviteBody(contentTypeHeader, contentType, sdpBytes, null, 0);
        }
        MultipartBody mp = multipart.withPart(sdpPart, multipart.part(sdpPart).withContent(sdpBytes));
        return new InviteBody(contentTypeHeader, contentType, mp.format(), mp, sdpPart);
    }

    /**
     * A copy without the part whose Content-ID is {@code contentId}. When only the SDP part would
     * remain, the body collapses to a plain SDP body with that part's Content-Type, because a
     * multipart with a single part serves no purpose and not every UA accepts one.
     */
    public InviteBody withoutPart(String contentId) {
        if (multipart == null) {
            return this;
        }
        List<MimePart> parts = multipart.parts();
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).contentId().filter(contentId::equals).isPresent()) {
                if (i == sdpPart) {
                    throw new IllegalArgumentException("cannot remove the SDP part");
                }
                if (parts.size() == 2 && sdpPart >= 0) {
                    MimePart sdp = parts.get(sdpPart);
                    return new InviteBody(sdp.header("Content-Type").orElse(ContentType.SDP), sdp.contentType(),
                            sdp.content(), null, 0);
                }
                MultipartBody mp = multipart.withoutPart(i);
                return new InviteBody(contentTypeHeader, contentType, mp.format(), mp, sdpPart > i ? sdpPart - 1 : sdpPart);
            }
        }
        return this;
    }
}
