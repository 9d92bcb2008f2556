package org.cpmft.msrp.bench;

import java.util.List;
import org.cpmft.msrp.message.MsrpUri;

/**
 * One message a {@link BenchSender} session sends.
 *
 * @param toPath    To-Path of every chunk; the sender connects to its first hop
 * @param fromPath  the sender's own URI (From-Path)
 * @param bytes     message size
 * @param chunkSize body bytes per SEND chunk
 * @param window    SEND chunks started but not yet answered, at most
 * @param connectPort connect to this port of 127.0.0.1 instead of the To-Path's first hop (a transparent
 *                  TCP proxy in front of it), 0 for the first hop
 */
record SessionPlan(List<MsrpUri> toPath, MsrpUri fromPath, long bytes, long chunkSize, int window, int connectPort) {
    SessionPlan {
        if (bytes <= 0 || chunkSize <= 0 || window <= 0) {
            throw new IllegalArgumentException("bytes, chunkSize and window must be positive");
        }
    }

    long chunks() {
        return (bytes + chunkSize - 1) / chunkSize;
    }
}
