package org.cpmft.pf.cpm.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Checks an SDP offer of a CPM File Transfer INVITE against RFC 5547 and RFC 4975, and reports
 * every problem instead of stopping at the first.
 *
 * <p>Rules, for every open (port not 0) MSRP m-line:
 * <ul>
 *   <li>{@code a=path} present with valid MSRP URIs (RFC 4975 sections 8.2 and 9), and a
 *   non-empty {@code a=accept-types} (RFC 4975 section 8.6);</li>
 *   <li>{@code a=file-selector} present (a file transfer offer describes its file, RFC 5547
 *   section 6 / OMA CPM 7.4.1 1.c) and well-formed, with at least one selector, a valid size and hash;</li>
 *   <li>{@code a=file-transfer-id} present, a token, and unique among the streams (RFC 5547 section 6);</li>
 *   <li>direction {@code sendonly} (push) or {@code recvonly} (pull), {@code inactive} tolerated as
 *   a held stream; not {@code sendrecv} and not two direction attributes (RFC 5547 section 8);</li>
 *   <li>{@code a=file-range}, {@code a=file-date}, {@code a=file-icon}, {@code a=file-disposition},
 *   {@code a=max-size}, {@code a=setup} well-formed when present; a bounded file-range ends
 *   within the file size.</li>
 * </ul>
 * Streams that are closed, or not MSRP, are not this PF's business and are not checked.
 */
public final class SdpValidator {

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+");

    private SdpValidator() {
    }

    /** Validates the offer of a file transfer INVITE. */
    public static SdpValidation validateFileTransferOffer(SdpSession sdp) {
        List<SdpProblem> problems = new ArrayList<>();
        if (sdp.media().isEmpty()) {
            problems.add(new SdpProblem(-1, SdpProblem.Code.NO_MEDIA, ""));
            return new SdpValidation(problems);
        }
        Map<String, Integer> transferIds = new HashMap<>();
        boolean anyFileStream = false;
        for (int i = 0; i < sdp.media().size(); i++) {
            MediaDescription m = sdp.media(i);
            if (!m.isMsrp() || m.isClosed()) {
                continue;
            }
            checkMsrp(i, m, problems);
            if (!m.hasAttribute("file-selector")) {
                problems.add(new SdpProblem(i, SdpProblem.Code.MISSING_FILE_SELECTOR, ""));
                continue;
            }
            anyFileStream = true;
            checkFileAttributes(i, sdp, m, problems, transferIds);
        }
        if (!anyFileStream && problems.isEmpty()) {
            problems.add(new SdpProblem(-1, SdpProblem.Code.NO_FILE_TRANSFER_STREAM, ""));
        }
        return new SdpValidation(problems);
    }

    private static void checkMsrp(int i, MediaDescription m, List<SdpProblem> problems) {
        List<String> path = m.path();
        if (path.isEmpty()) {
            problems.add(new SdpProblem(i, SdpProblem.Code.MISSING_PATH, ""));
        } else {
            for (String uri : path) {
                if (!MsrpUris.isValid(uri)) {
                    problems.add(new SdpProblem(i, SdpProblem.Code.BAD_PATH, uri));
                    break;
                }
            }
        }
        if (m.acceptTypes().isEmpty()) {
            problems.add(new SdpProblem(i, SdpProblem.Code.BAD_ACCEPT_TYPES, ""));
        }
        capture(i, problems, m::maxSize);
        capture(i, problems, m::setup);
        if (m.explicitDirections().size() > 1) {
            problems.add(new SdpProblem(i, SdpProblem.Code.CONFLICTING_DIRECTION, ""));
        }
    }

    private static void checkFileAttributes(int i, SdpSession sdp, MediaDescription m, List<SdpProblem> problems,
                                            Map<String, Integer> transferIds) {
        FileSelector selector = null;
        try {
            selector = m.fileSelector().orElseThrow();
            if (selector.isEmpty()) {
                problems.add(new SdpProblem(i, SdpProblem.Code.EMPTY_FILE_SELECTOR, ""));
            }
        } catch (SdpSyntaxException e) {
            problems.add(new SdpProblem(i, e.code(), e.getMessage()));
        }
        List<String> ids = m.attributeValues("file-transfer-id");
        if (ids.isEmpty()) {
            problems.add(new SdpProblem(i, SdpProblem.Code.MISSING_FILE_TRANSFER_ID, ""));
        } else {
            String id = ids.get(0).trim();
            if (ids.size() > 1 || !TOKEN.matcher(id).matches()) {
                problems.add(new SdpProblem(i, SdpProblem.Code.BAD_FILE_TRANSFER_ID, id));
            } else if (transferIds.putIfAbsent(id, i) != null) {
                problems.add(new SdpProblem(i, SdpProblem.Code.DUPLICATE_FILE_TRANSFER_ID, id));
            }
        }
        if (m.explicitDirections().size() <= 1) {
            Direction d = sdp.direction(i);
            if (d == Direction.SENDRECV) {
                problems.add(new SdpProblem(i, SdpProblem.Code.BAD_DIRECTION, d.attributeName()));
            }
        }
        m.fileDisposition().ifPresent(v -> {
            if (!TOKEN.matcher(v).matches()) {
                problems.add(new SdpProblem(i, SdpProblem.Code.BAD_FILE_DISPOSITION, v));
            }
        });
        capture(i, problems, m::fileDate);
        capture(i, problems, m::fileIconContentId);
        try {
            var range = m.fileRange();
            if (range.isPresent() && selector != null && selector.size().isPresent()
                    && range.get().stop().isPresent() && range.get().stop().getAsLong() > selector.size().getAsLong()) {
                problems.add(new SdpProblem(i, SdpProblem.Code.BAD_FILE_RANGE,
                        "range " + range.get().format() + " beyond size " + selector.size().getAsLong()));
            }
        } catch (SdpSyntaxException e) {
            problems.add(new SdpProblem(i, e.code(), e.getMessage()));
        }
    }

    private static void capture(int i, List<SdpProblem> problems, Supplier<?> check) {
        try {
            check.get();
        } catch (SdpSyntaxException e) {
            problems.add(new SdpProblem(i, e.code(), e.getMessage()));
        }
    }
}
