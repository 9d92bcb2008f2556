package org.cpmft.pf.cpm.policy;

import java.util.List;
import java.util.Optional;

import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.feature.ServiceIndication;
import org.cpmft.pf.cpm.header.Warning;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.cpm.sdp.SdpSession;

/** What the PF does with an INVITE: forward it (possibly with a modified body) or reject it. */
public sealed interface FtDecision permits FtDecision.Forward, FtDecision.Reject {

    /**
     * Forward the INVITE.
     *
     * @param service       the CPM service identified (not file transfer: pass through untouched)
     * @param body          the body to send (the received one unless {@code modifications} is non-empty)
     * @param sdp           the parsed SDP of {@code body}, when there is one
     * @param fileTransfers the open file transfer streams, one relay session pair each; empty when
     *                      the INVITE is not a file transfer
     * @param group         the INVITE was recognised as a group session FT (allowed by policy)
     * @param modifications what the policy changed, for the log (e.g. a stripped thumbnail)
     */
    record Forward(ServiceIndication service, InviteBody body, Optional<SdpSession> sdp,
                   List<FileTransferStream> fileTransfers, boolean group, List<String> modifications)
            implements FtDecision {

        public Forward {
            fileTransfers = List.copyOf(fileTransfers);
            modifications = List.copyOf(modifications);
        }

        public boolean modified() {
            return !modifications.isEmpty();
        }

        public boolean isFileTransfer() {
            return service.isFileTransfer();
        }
    }

    /**
     * Reject the INVITE.
     *
     * @param status       SIP status code (400, 403, 488)
     * @param reasonPhrase reason phrase for the status line
     * @param warning      the Warning header to add
     * @param logReason    why, for the log (may say more than the Warning)
     */
    record Reject(int status, String reasonPhrase, Optional<Warning> warning, String logReason) implements FtDecision {
    }
}
