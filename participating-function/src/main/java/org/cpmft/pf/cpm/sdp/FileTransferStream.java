package org.cpmft.pf.cpm.sdp;

import java.util.Optional;

/**
 * The RFC 5547 description of one file transfer m-line, as a deferred-delivery record or a log line
 * needs it.
 *
 * @param mediaIndex       0-based m-line index
 * @param selector         the file-selector
 * @param fileTransferId   the file-transfer-id
 * @param direction        direction in effect: sendonly for a push, recvonly for a pull (RFC 5547 section 8)
 * @param disposition      file-disposition, if given
 * @param date             file-date, if given
 * @param iconContentId    Content-ID of the file-icon body part, if given
 * @param range            file-range, if given (a resumed transfer)
 * @param mediaText        the whole media description as received (every attribute, verbatim)
 */
public record FileTransferStream(int mediaIndex, FileSelector selector, String fileTransferId, Direction direction,
                                 Optional<String> disposition, Optional<FileDate> date, Optional<String> iconContentId,
                                 Optional<FileRange> range, String mediaText) {

    /** Reads stream {@code index}; throws {@link SdpSyntaxException} if its attributes are malformed. */
    public static FileTransferStream of(SdpSession sdp, int index) {
        MediaDescription m = sdp.media(index);
        FileSelector selector = m.fileSelector()
                .orElseThrow(() -> new SdpSyntaxException(SdpProblem.Code.MISSING_FILE_SELECTOR, "no file-selector"));
        String id = m.fileTransferId()
                .orElseThrow(() -> new SdpSyntaxException(SdpProblem.Code.MISSING_FILE_TRANSFER_ID, "no file-transfer-id"));
        return new FileTransferStream(index, selector, id, sdp.direction(index), m.fileDisposition(), m.fileDate(),
                m.fileIconContentId(), m.fileRange(), m.format());
    }

    /** A push: the offerer sends the file. */
    public boolean isPush() {
        return direction == Direction.SENDONLY;
    }

    /** A pull: the offerer asks for the file (RFC 5547 section 8.2). */
    public boolean isPull() {
        return direction == Direction.RECVONLY;
    }
}
