package org.cpmft.pf.sip;

import javax.servlet.sip.SipServletRequest;

/** Temporary: replaced by the CPM feature-tag rules once they land. */
final class FileTransferFilter {
    private FileTransferFilter() {
    }

    static boolean isFileTransfer(SipServletRequest req) {
        String ac = req.getHeader("Accept-Contact");
        return ac != null && ac.contains("oma.cpm.filetransfer");
    }
}
