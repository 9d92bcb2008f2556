package org.cpmft.pf.deferral;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.cpmft.pf.cpm.sdp.Direction;
import org.cpmft.pf.cpm.sdp.FileRange;
import org.cpmft.pf.cpm.sdp.FileTransferOfferBuilder.FileOffer;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.cpm.sdp.MediaDescription;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.store.transfer.DeferredTransfer;

/**
 * The RFC 5547 file description of a re-offer, rebuilt from the media description the store kept
 * (the {@code FileTransferStream.mediaText()} of the original offer).
 */
final class ReofferBuilder {
    private static final char[] ID_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ReofferBuilder() {
    }

    /**
     * @param resumeOffset 0-based first octet to send; above 0 adds {@code a=file-range} (RFC 5547 section 9)
     * @throws RuntimeException (SdpSyntaxException, IllegalArgumentException) when the stored text is unusable
     */
    static FileOffer offer(DeferredTransfer t, long resumeOffset) {
        String media = t.file().sdpMediaAttributes();
        if (media == null || media.isBlank()) {
            throw new IllegalArgumentException("no stored media description");
        }
        if (!media.startsWith("m=")) {
            // attribute lines only: give them an m-line to hang on
            media = "m=message 9 TCP/MSRP *\r\n" + media;
        }
        SdpSession sdp = SdpSession.parse("v=0\r\n" + media);
        FileTransferStream stream = FileTransferStream.of(sdp, 0);
        MediaDescription m = sdp.media(0);
        List<String> accept = m.acceptTypes().isEmpty() ? List.of("*") : m.acceptTypes();
        Optional<FileRange> range = resumeOffset > 0 ? Optional.of(FileRange.resumingAfter(resumeOffset))
                : Optional.empty();
        // The PF pushes the stored file (a=sendonly) whatever the original said at session level.
        return new FileOffer(stream.selector(), newFileTransferId(), Direction.SENDONLY, accept,
                m.acceptWrappedTypes(), stream.disposition(), stream.date(), stream.iconContentId(), range);
    }

    /** RFC 5547 section 6: a random, globally unique file-transfer-id for each new offer. */
    static String newFileTransferId() {
        char[] id = new char[32];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_CHARS[RANDOM.nextInt(ID_CHARS.length)];
        }
        return new String(id);
    }
}
