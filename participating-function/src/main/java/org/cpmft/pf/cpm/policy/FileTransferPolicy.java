package org.cpmft.pf.cpm.policy;

import org.cpmft.pf.cpm.group.GroupSessionIdentities;

/**
 * Service provider policy for file transfer, as values (the config module supplies them).
 *
 * @param maxFileSize              largest file-selector size accepted, in bytes; 0 means no limit
 *                                 (OMA CPM 2.0 "maximum file size policy", seed 002 section 4.2)
 * @param thumbnailMaxBytes        largest file-icon accepted, decoded bytes (CPM 7.4.1 1.e: less than 10 kB)
 * @param thumbnailOversize        what to do with a larger one
 * @param groupFileTransferAllowed whether FT in a group session is supported (CPM 9.3.1)
 * @param groupSessionIdentities   the Controlling Function's group session identities the operator
 *                                 provisions (seed 002 9.3.1: a Request-URI naming one is a group FT)
 */
public record FileTransferPolicy(long maxFileSize, long thumbnailMaxBytes, ThumbnailHandling thumbnailOversize,
                                 boolean groupFileTransferAllowed, GroupSessionIdentities groupSessionIdentities) {

    public static final long DEFAULT_MAX_FILE_SIZE = 100L * 1024 * 1024;
    public static final long DEFAULT_THUMBNAIL_MAX_BYTES = 10 * 1024;

    public FileTransferPolicy {
        if (maxFileSize < 0) {
            throw new IllegalArgumentException("maxFileSize must be >= 0: " + maxFileSize);
        }
        if (thumbnailMaxBytes < 0) {
            throw new IllegalArgumentException("thumbnailMaxBytes must be >= 0: " + thumbnailMaxBytes);
        }
        if (thumbnailOversize == null) {
            throw new IllegalArgumentException("thumbnailOversize is null");
        }
        groupSessionIdentities = groupSessionIdentities == null ? GroupSessionIdentities.NONE : groupSessionIdentities;
    }

    /** A policy with no provisioned group session identities. */
    public FileTransferPolicy(long maxFileSize, long thumbnailMaxBytes, ThumbnailHandling thumbnailOversize,
                              boolean groupFileTransferAllowed) {
        this(maxFileSize, thumbnailMaxBytes, thumbnailOversize, groupFileTransferAllowed, GroupSessionIdentities.NONE);
    }

    /** 100 MiB files, 10 KiB thumbnails stripped when larger, no FT in group sessions. */
    public static FileTransferPolicy defaults() {
        return new FileTransferPolicy(DEFAULT_MAX_FILE_SIZE, DEFAULT_THUMBNAIL_MAX_BYTES, ThumbnailHandling.STRIP, false);
    }

    public boolean exceedsMaxFileSize(long size) {
        return maxFileSize > 0 && size > maxFileSize;
    }
}
