package org.cpmft.pf.cpm.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the SDP offer of an INVITE the PF itself originates (deferred delivery, CPM 8.2.3.1 1.a
 * and 8.3.3.3): one {@code m=message} line per file with the RFC 5547 attributes, each pointing at a
 * relay session of the PF.
 *
 * <pre>
 * v=0
 * o=- &lt;id&gt; &lt;version&gt; IN IP4 &lt;host&gt;
 * s=-
 * c=IN IP4 &lt;host&gt;
 * t=0 0
 * m=message &lt;port&gt; TCP/MSRP *
 * a=sendonly
 * a=accept-types:...
 * a=path:msrp://&lt;host&gt;:&lt;port&gt;/&lt;session&gt;;tcp
 * a=file-selector:...
 * a=file-transfer-id:...
 * (a=file-disposition, a=file-date, a=file-icon, a=file-range, a=setup when given)
 * </pre>
 * Lines end with CRLF (RFC 4566 section 5).
 */
public final class FileTransferOfferBuilder {

    /**
     * One file to offer.
     *
     * @param selector       the file-selector (as stored from the original offer)
     * @param fileTransferId the file-transfer-id (RFC 5547 section 6: a new transfer gets a new id)
     * @param direction      sendonly to push the file, recvonly to pull it
     * @param acceptTypes    a=accept-types (at least one, RFC 4975 section 8.6)
     * @param acceptWrapped  a=accept-wrapped-types, may be empty
     * @param disposition    a=file-disposition, if any
     * @param date           a=file-date, if any
     * @param iconContentId  Content-ID of a file-icon part sent in the same body, if any
     * @param range          a=file-range to resume a transfer, if any
     */
    public record FileOffer(FileSelector selector, String fileTransferId, Direction direction, List<String> acceptTypes,
                            List<String> acceptWrapped, Optional<String> disposition, Optional<FileDate> date,
                            Optional<String> iconContentId, Optional<FileRange> range) {

        public FileOffer {
            acceptTypes = List.copyOf(acceptTypes);
            acceptWrapped = List.copyOf(acceptWrapped);
            if (acceptTypes.isEmpty()) {
                throw new IllegalArgumentException("accept-types must not be empty (RFC 4975 section 8.6)");
            }
            if (direction != Direction.SENDONLY && direction != Direction.RECVONLY) {
                throw new IllegalArgumentException("a file offer is sendonly or recvonly (RFC 5547 section 8)");
            }
        }

        /**
         * The same file as a stream of an earlier offer (e.g. kept by the deferred store), with its
         * accept-types read from that stream's media text.
         */
        public static FileOffer from(FileTransferStream stream) {
            MediaDescription m = SdpSession.parse("v=0\r\n" + stream.mediaText()).media(0);
            List<String> accept = m.acceptTypes().isEmpty() ? List.of("*") : m.acceptTypes();
            return new FileOffer(stream.selector(), stream.fileTransferId(), stream.direction(), accept,
                    m.acceptWrappedTypes(), stream.disposition(), stream.date(), stream.iconContentId(), stream.range());
        }

        public FileOffer withRange(FileRange newRange) {
            return new FileOffer(selector, fileTransferId, direction, acceptTypes, acceptWrapped, disposition, date,
                    iconContentId, Optional.of(newRange));
        }

        public FileOffer withFileTransferId(String newId) {
            return new FileOffer(selector, newId, direction, acceptTypes, acceptWrapped, disposition, date,
                    iconContentId, range);
        }
    }

    private static final String CRLF = "\r\n";

    private final String host;
    private final String sessionId;
    private final long version;
    private Setup setup;
    private final List<String> media = new ArrayList<>();

    /**
     * @param host      the PF's MSRP host (c= and o= address)
     * @param sessionId the o= sess-id (numeric, unique per SIP session the PF originates)
     * @param version   the o= sess-version
     */
    public FileTransferOfferBuilder(String host, long sessionId, long version) {
        if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("bad host: " + host);
        }
        this.host = host;
        this.sessionId = Long.toString(sessionId);
        this.version = version;
    }

    /** Adds {@code a=setup} to every stream (RFC 6135); without it the offerer connects (RFC 4975 section 5.4). */
    public FileTransferOfferBuilder setup(Setup value) {
        this.setup = value;
        return this;
    }

    /** Adds one m-line for {@code file}, reachable at {@code port} through {@code path}. */
    public FileTransferOfferBuilder addFile(int port, boolean tls, List<String> path, FileOffer file) {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (path.isEmpty() || !path.stream().allMatch(MsrpUris::isValid)) {
            throw new IllegalArgumentException("bad MSRP path: " + path);
        }
        StringBuilder m = new StringBuilder();
        m.append("m=message ").append(port).append(tls ? " TCP/TLS/MSRP *" : " TCP/MSRP *").append(CRLF);
        m.append("a=").append(file.direction().attributeName()).append(CRLF);
        m.append("a=accept-types:").append(String.join(" ", file.acceptTypes())).append(CRLF);
        if (!file.acceptWrapped().isEmpty()) {
            m.append("a=accept-wrapped-types:").append(String.join(" ", file.acceptWrapped())).append(CRLF);
        }
        m.append("a=path:").append(String.join(" ", path)).append(CRLF);
        m.append("a=file-selector:").append(file.selector().format()).append(CRLF);
        m.append("a=file-transfer-id:").append(file.fileTransferId()).append(CRLF);
        file.disposition().ifPresent(d -> m.append("a=file-disposition:").append(d).append(CRLF));
        file.date().ifPresent(d -> m.append("a=file-date:").append(d.format()).append(CRLF));
        file.iconContentId().ifPresent(c -> m.append("a=file-icon:").append(ContentIds.toCidUrl(c)).append(CRLF));
        file.range().ifPresent(r -> m.append("a=file-range:").append(r.format()).append(CRLF));
        if (setup != null) {
            m.append("a=setup:").append(setup.token()).append(CRLF);
        }
        media.add(m.toString());
        return this;
    }

    /** The offer; it passes {@link SdpValidator#validateFileTransferOffer}. */
    public SdpSession build() {
        if (media.isEmpty()) {
            throw new IllegalStateException("no file added");
        }
        Connection c = Connection.forHost(host);
        StringBuilder sdp = new StringBuilder()
                .append("v=0").append(CRLF)
                .append("o=- ").append(sessionId).append(' ').append(version).append(' ').append(c.format()).append(CRLF)
                .append("s=-").append(CRLF)
                .append("c=").append(c.format()).append(CRLF)
                .append("t=0 0").append(CRLF);
        media.forEach(sdp::append);
        return SdpSession.parse(sdp.toString());
    }
}
