package org.cpmft.msrp.relay;

import io.netty.buffer.ByteBuf;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.MsrpRequestHead;

/**
 * Receives a copy of the SEND traffic one endpoint sends into a relay leg, for example to write the file
 * into the deferred store. Calls come from one I/O thread per connection, in wire order, and must not
 * block for long. Implemented outside this module (the PF adapts a store writer).
 */
public interface SessionTeeSink {
    /** A SEND chunk for the session starts. */
    void onHead(MsrpRequestHead head);

    /**
     * Body bytes of the current chunk.
     *
     * @param content readable bytes, owned by the relay: valid only during the call, copy what you keep
     * @param offset  0-based offset of the first byte in the whole message (from Byte-Range)
     */
    void onContent(ByteBuf content, long offset);

    /** The current chunk ended with this continuation flag. */
    void onEnd(ContinuationFlag flag);

    /** The session was closed; no further calls follow. */
    default void onClose() {
    }
}
