package org.cpmft.pf.cpm.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.cpmft.pf.cpm.body.BodyException;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.body.MimePart;
import org.cpmft.pf.cpm.feature.CpmService;
import org.cpmft.pf.cpm.feature.FeatureTags;
import org.cpmft.pf.cpm.feature.ServiceIndication;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.header.Warning;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.cpm.sdp.SdpProblem;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.sdp.SdpSyntaxException;
import org.cpmft.pf.cpm.sdp.SdpValidation;
import org.cpmft.pf.cpm.sdp.SdpValidator;

/**
 * Applies the CPM File Transfer rules to an initial INVITE and decides to forward or reject it.
 * Checks, in this order (the first failure decides):
 * <ol>
 *   <li>Service: only an INVITE identified as CPM File Transfer ({@link FeatureTags#identify}) is
 *   checked; anything else is forwarded untouched.</li>
 *   <li>Body: a broken body is 400; no SDP offer is 488 (an FT offer is an RFC 5547 SDP offer).</li>
 *   <li>SDP: unparseable or failing {@link SdpValidator} is 488 with a 399 Warning naming the problem.</li>
 *   <li>Group session ({@link GroupSessionSigns}): when FT in group sessions is not allowed, 403 with
 *   Warning "122 Function not allowed" (CPM 9.3.1); when allowed, more than one file to a group is
 *   also 403 with that warning (CPM 7.4.1 NOTE: multiple files to several recipients are not supported).</li>
 *   <li>File size: a file-selector size above the policy maximum is 403 with Warning
 *   "133 Size exceeded" (the RCS form, see {@link CpmWarnings}).</li>
 *   <li>Thumbnail: a file-icon body part larger than the limit (CPM 7.4.1 1.e) is refused with 488
 *   or stripped (attribute and body part), per policy. A file-icon whose body part is missing is
 *   stripped in either mode: it cannot be rendered by the recipient anyway.</li>
 * </ol>
 * Instances are immutable and thread-safe; build a new one when the policy is reloaded.
 */
public final class InviteAnalyzer {

    private final FileTransferPolicy policy;
    private final String warnAgent;

    /**
     * @param policy    the policy values
     * @param warnAgent the warn-agent put in Warning headers: the PF's host name (RFC 3261 section 20.43)
     */
    public InviteAnalyzer(FileTransferPolicy policy, String warnAgent) {
        if (policy == null) {
            throw new IllegalArgumentException("policy is null");
        }
        this.policy = policy;
        this.warnAgent = Warning.miscellaneous(warnAgent, "").agent();
    }

    public FileTransferPolicy policy() {
        return policy;
    }

    /**
     * Whether an INVITE belongs to a CPM group session by its Request-URI (a provisioned Group
     * Session Identity, seed 002 9.3.1) or its Contact ({@code isfocus}, RFC 4579): the adapter
     * passes it as {@link InviteDescription#knownGroupSession()}. {@link FtDecision.Forward#group()}
     * then says whether the transfer is a group one by any sign, the recipient-list body included,
     * which is what {@code TransferDeferral.Invite#group} wants.
     */
    public boolean isGroupSession(SipHeaders headers, String requestUri) {
        return policy.groupSessionIdentities().isGroup(headers, requestUri);
    }

    /** Decides on an initial INVITE. */
    public FtDecision analyze(InviteDescription invite) {
        ServiceIndication service = FeatureTags.identify(invite.headers());
        if (!service.isFileTransfer()) {
            // Not ours to judge: forwarded exactly as it came.
            return new FtDecision.Forward(service, InviteBody.opaque(invite.contentType(), invite.body()),
                    Optional.empty(), List.of(), false, List.of());
        }
        return check(service, invite, false);
    }

    /**
     * Decides on a re-INVITE inside a dialog already known to be a file transfer, whatever its
     * feature tags: new files offered in reused m-lines (CPM 7.4.1 2.b.i) get the same checks as in
     * an initial INVITE. A re-INVITE without SDP (session refresh, RFC 4028) and one in which no
     * stream is left open (CPM 7.4.1 2.b.ii, port 0) are forwarded.
     */
    public FtDecision analyzeInDialog(InviteDescription invite) {
        return check(new ServiceIndication(Optional.of(CpmService.FILE_TRANSFER), ServiceIndication.Source.DIALOG),
                invite, true);
    }

    private FtDecision check(ServiceIndication service, InviteDescription invite, boolean inDialog) {
        InviteBody body;
        try {
            body = InviteBody.parse(invite.contentType(), invite.body());
        } catch (BodyException e) {
            return reject(400, "Bad Request", "Malformed message body: " + e.getMessage(), e.getMessage());
        }
        Optional<String> sdpText = body.sdp();
        if (sdpText.isEmpty()) {
            if (inDialog) {
                return new FtDecision.Forward(service, body, Optional.empty(), List.of(), false, List.of());
            }
            return reject(488, "Not Acceptable Here", "File transfer INVITE without SDP offer (RFC 5547)",
                    "no SDP in body");
        }
        SdpSession sdp;
        try {
            sdp = SdpSession.parse(sdpText.get());
        } catch (SdpSyntaxException e) {
            SdpProblem p = new SdpProblem(-1, e.code(), e.getMessage());
            return reject(488, "Not Acceptable Here", p.message(), e.getMessage());
        }
        SdpValidation validation = SdpValidator.validateFileTransferOffer(sdp);
        List<SdpProblem> problems = validation.problems().stream()
                .filter(p -> !(inDialog && p.code() == SdpProblem.Code.NO_FILE_TRANSFER_STREAM))
                .toList();
        if (!problems.isEmpty()) {
            return new FtDecision.Reject(488, "Not Acceptable Here", Optional.of(problems.get(0).warning(warnAgent)),
                    problems.toString());
        }
        List<FileTransferStream> files = new ArrayList<>();
        for (int index : sdp.fileTransferStreams()) {
            files.add(FileTransferStream.of(sdp, index));
        }

        Optional<String> group = GroupSessionSigns.detect(invite, body);
        if (group.isPresent()) {
            if (!policy.groupFileTransferAllowed()) {
                return reject(403, "Forbidden", CpmWarnings.FUNCTION_NOT_ALLOWED,
                        "file transfer in group session not allowed (" + group.get() + ")");
            }
            if (files.size() > 1) {
                return reject(403, "Forbidden", CpmWarnings.FUNCTION_NOT_ALLOWED,
                        files.size() + " files to a group (" + group.get() + ")");
            }
        }

        for (FileTransferStream f : files) {
            if (f.selector().size().isPresent() && policy.exceedsMaxFileSize(f.selector().size().getAsLong())) {
                return reject(403, "Forbidden", CpmWarnings.SIZE_EXCEEDED,
                        "file " + f.fileTransferId() + " size " + f.selector().size().getAsLong()
                                + " > max " + policy.maxFileSize());
            }
        }

        return checkThumbnails(service, body, sdp, files, group.isPresent());
    }

    private FtDecision checkThumbnails(ServiceIndication service, InviteBody body, SdpSession sdp,
                                       List<FileTransferStream> files, boolean group) {
        List<String> modifications = new ArrayList<>();
        Set<String> partsToDrop = new HashSet<>();
        SdpSession newSdp = sdp;
        for (FileTransferStream f : files) {
            if (f.iconContentId().isEmpty()) {
                continue;
            }
            String cid = f.iconContentId().get();
            Optional<MimePart> part = body.partByContentId(cid);
            if (part.isEmpty()) {
                newSdp = newSdp.withoutMediaAttribute(f.mediaIndex(), "file-icon");
                modifications.add("removed a=file-icon of m-line " + (f.mediaIndex() + 1)
                        + ": no body part with Content-ID <" + cid + ">");
                continue;
            }
            long size;
            try {
                size = part.get().decodedSize();
            } catch (BodyException e) {
                return reject(400, "Bad Request", "Malformed file-icon body part: " + e.getMessage(), e.getMessage());
            }
            if (size <= policy.thumbnailMaxBytes()) {
                continue;
            }
            if (policy.thumbnailOversize() == ThumbnailHandling.REFUSE) {
                return reject(488, "Not Acceptable Here",
                        "File icon larger than " + policy.thumbnailMaxBytes() + " bytes",
                        "file-icon <" + cid + "> has " + size + " bytes");
            }
            newSdp = newSdp.withoutMediaAttribute(f.mediaIndex(), "file-icon");
            partsToDrop.add(cid);
            modifications.add("stripped file-icon <" + cid + "> of m-line " + (f.mediaIndex() + 1) + " ("
                    + size + " bytes > " + policy.thumbnailMaxBytes() + ")");
        }
        if (modifications.isEmpty()) {
            return new FtDecision.Forward(service, body, Optional.of(sdp), files, group, List.of());
        }
        // A part another m-line still references stays.
        for (int i = 0; i < newSdp.media().size(); i++) {
            if (newSdp.media(i).hasAttribute("file-icon")) {
                newSdp.media(i).fileIconContentId().ifPresent(partsToDrop::remove);
            }
        }
        InviteBody newBody = body.withSdp(newSdp.format());
        for (String cid : partsToDrop) {
            newBody = newBody.withoutPart(cid);
        }
        List<FileTransferStream> newFiles = new ArrayList<>();
        for (FileTransferStream f : files) {
            newFiles.add(FileTransferStream.of(newSdp, f.mediaIndex()));
        }
        return new FtDecision.Forward(service, newBody, Optional.of(newSdp), newFiles, group, modifications);
    }

    private FtDecision.Reject reject(int status, String phrase, String warningText, String logReason) {
        return new FtDecision.Reject(status, phrase, Optional.of(Warning.miscellaneous(warnAgent, warningText)), logReason);
    }
}
