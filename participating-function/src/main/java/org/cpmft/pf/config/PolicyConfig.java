package org.cpmft.pf.config;

import java.util.List;

/**
 * Service provider policy for file transfer; reloadable at run time.
 *
 * @param maxFileSize       largest file accepted, checked against the file-selector size
 *                          (RFC 5547 section 5; OMA CPM 7.4)
 * @param thumbnailMaxBytes largest file-icon accepted (RFC 5547 section 5)
 * @param groupFileTransfer whether file transfer in a group session is allowed; when not, the
 *                          PF answers 403 with Warning 122 (OMA CPM 9.3.1)
 * @param deferOn           which side's PF stores a file for a recipient that cannot take it
 * @param groupSessionIdentities the Controlling Function's CPM Group Session Identities, as 3GPP
 *                          wildcarded PSIs (seed 002 9.3.1; TS 23.003 13.5); empty: none provisioned
 */
public record PolicyConfig(
        long maxFileSize,
        long thumbnailMaxBytes,
        ThumbnailOversize thumbnailOversize,
        boolean groupFileTransfer,
        PfRole deferOn,
        List<String> groupSessionIdentities) {

    public PolicyConfig {
        Check.atLeast("policy.maxFileSize", maxFileSize, 1);
        Check.atLeast("policy.thumbnailMaxBytes", thumbnailMaxBytes, 0);
        Check.present("policy.thumbnailOversize", thumbnailOversize);
        Check.present("policy.deferOn", deferOn);
        groupSessionIdentities = groupSessionIdentities == null ? List.of() : List.copyOf(groupSessionIdentities);
    }
}
