package org.cpmft.msrp.client;

import java.time.Duration;
import org.cpmft.msrp.tls.MsrpTls;

/**
 * @param readPause           pause reading for this long after each body piece (a deliberately slow
 *                            reader for backpressure tests and labs); zero for none
 * @param socketReceiveBuffer SO_RCVBUF for accepted connections in bytes, 0 for the system default
 * @param tls                 listen with TLS (the local URI becomes {@code msrps}), null for plain TCP
 * @param dropAfterBytes      drop the connection abruptly once this many body octets arrived, without
 *                            answering the chunk in progress (a device that goes away mid-transfer, for
 *                            tests and labs); 0 for never
 */
public record ReceiverOptions(Duration readPause, int socketReceiveBuffer, MsrpTls tls, long dropAfterBytes) {
    public static final ReceiverOptions DEFAULT = new ReceiverOptions(Duration.ZERO, 0, null);

    public ReceiverOptions(Duration readPause, int socketReceiveBuffer, MsrpTls tls) {
        this(readPause, socketReceiveBuffer, tls, 0);
    }

    public ReceiverOptions {
        if (dropAfterBytes < 0) {
            throw new IllegalArgumentException("negative dropAfterBytes");
        }
    }

    /** The same options, dropping the connection after {@code bytes} body octets. */
    public ReceiverOptions withDropAfter(long bytes) {
        return new ReceiverOptions(readPause, socketReceiveBuffer, tls, bytes);
    }

    /** A reader that pauses after every piece and keeps a small socket buffer. */
    public static ReceiverOptions slow(Duration pause, int receiveBuffer) {
        return new ReceiverOptions(pause, receiveBuffer, null);
    }

    public static ReceiverOptions secure(MsrpTls tls) {
        return new ReceiverOptions(Duration.ZERO, 0, tls);
    }
}
