package org.cpmft.pf.cpm.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks an SDP answer against the file transfer offer it answers (RFC 3264 section 6,
 * RFC 5547 section 8), so the relay is only bound to streams both sides agreed on.
 *
 * <p>For the relay, {@link SdpProblem.Code#MEDIA_COUNT_MISMATCH}, {@link SdpProblem.Code#MISSING_PATH}
 * and {@link SdpProblem.Code#BAD_PATH} make an accepted stream unusable; the other problems describe
 * an answer that departs from the standards but can still carry the file, and are for the log.
 */
public final class OfferAnswer {

    private OfferAnswer() {
    }

    /** Indexes of file transfer streams offered open and accepted (port not 0) in the answer. */
    public static List<Integer> acceptedFileTransfers(SdpSession offer, SdpSession answer) {
        List<Integer> out = new ArrayList<>();
        for (int i : offer.fileTransferStreams()) {
            if (i < answer.media().size() && !answer.media(i).isClosed()) {
                out.add(i);
            }
        }
        return out;
    }

    public static SdpValidation validateFileTransferAnswer(SdpSession offer, SdpSession answer) {
        List<SdpProblem> problems = new ArrayList<>();
        if (offer.media().size() != answer.media().size()) {
            problems.add(new SdpProblem(-1, SdpProblem.Code.MEDIA_COUNT_MISMATCH,
                    "offer " + offer.media().size() + ", answer " + answer.media().size()));
            return new SdpValidation(problems);
        }
        for (int i = 0; i < offer.media().size(); i++) {
            MediaDescription o = offer.media(i);
            MediaDescription a = answer.media(i);
            if (a.isClosed()) {
                continue;
            }
            if (o.isClosed()) {
                problems.add(new SdpProblem(i, SdpProblem.Code.ANSWER_REOPENS_STREAM, ""));
                continue;
            }
            if (!o.isMsrp()) {
                continue;
            }
            List<String> path = a.path();
            if (path.isEmpty()) {
                problems.add(new SdpProblem(i, SdpProblem.Code.MISSING_PATH, ""));
            } else if (!path.stream().allMatch(MsrpUris::isValid)) {
                problems.add(new SdpProblem(i, SdpProblem.Code.BAD_PATH, String.join(" ", path)));
            }
            if (!o.isFileTransfer()) {
                continue;
            }
            Direction offered = offer.direction(i);
            Direction answered = answer.direction(i);
            if (!directionFits(offered, answered)) {
                problems.add(new SdpProblem(i, SdpProblem.Code.WRONG_ANSWER_DIRECTION,
                        offered.attributeName() + " answered " + answered.attributeName()));
            }
            if (!o.fileTransferId().equals(a.fileTransferId())) {
                problems.add(new SdpProblem(i, SdpProblem.Code.FILE_TRANSFER_ID_MISMATCH,
                        a.fileTransferId().orElse("none")));
            }
            if (!sameSelector(o, a)) {
                problems.add(new SdpProblem(i, SdpProblem.Code.FILE_SELECTOR_MISMATCH,
                        a.attribute("file-selector").orElse("none")));
            }
        }
        return new SdpValidation(problems);
    }

    private static boolean directionFits(Direction offered, Direction answered) {
        return switch (offered) {
            case SENDONLY -> answered == Direction.RECVONLY || answered == Direction.INACTIVE;
            case RECVONLY -> answered == Direction.SENDONLY || answered == Direction.INACTIVE;
            case INACTIVE -> answered == Direction.INACTIVE;
            case SENDRECV -> true;
        };
    }

    private static boolean sameSelector(MediaDescription offer, MediaDescription answer) {
        try {
            Optional<FileSelector> o = offer.fileSelector();
            Optional<FileSelector> a = answer.fileSelector();
            return a.isPresent() && a.equals(o);
        } catch (SdpSyntaxException e) {
            return false;
        }
    }
}
