package org.cpmft.msrp.relay;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * Where the relay writes a file it accepts itself while it stands in for the recipient (deferral, OMA
 * CPM 8.2.3.1 / 8.3.3.1). Implemented outside this module (the PF adapts its deferred store to it).
 *
 * <p>Threading: the calls for one session never overlap and come in order, from a relay I/O thread
 * (usually the sender connection's event loop, for the switch-over the thread that noticed the loss).
 * They must not block: what takes time is started and reported through the returned stage. A returned
 * stage may complete on any thread. They must not call back into the {@link RelaySessionPair} (e.g. close
 * it) on the calling thread: hand such work to another thread.
 *
 * <p>The relay acknowledges octets to the sender (MSRP 200, success REPORT) only after the stage of
 * {@link #onChunkEnd} that covers them has completed normally (RFC 4975 section 7.1: the 200 per chunk
 * is the recipient's acknowledgement, and the PF must not lose what it acknowledged).
 */
public interface DeferralSink {
    /**
     * The relay starts standing in for the recipient, before any content. Called once per session.
     */
    void onStandIn(StandInStart start);

    /**
     * Body octets of the message.
     *
     * @param content readable octets, owned by the relay: valid only during the call, copy what is kept
     * @param offset  0-based offset of the first octet in the whole message (from Byte-Range); never below
     *                {@link StandInStart#fromOffset()}. A chunk the sender repeats may repeat octets.
     * @return null (or a completed stage) when the octets were taken; otherwise a stage that completes when
     *         the sink can take more: the relay stops reading from the sender until then (backpressure).
     *         A stage completing exceptionally counts as a sink failure.
     */
    CompletionStage<Void> onContent(ByteBuf content, long offset);

    /**
     * A SEND chunk of the message ended (or, at a switch-over, the chunks the recipient had not confirmed
     * were handed over).
     *
     * @return a stage that completes when every octet given so far is durable; the relay answers the chunk
     *         200 only then. Completing exceptionally is a sink failure: the chunk is refused.
     */
    CompletionStage<Void> onChunkEnd(ChunkEnd end);

    /**
     * The recipient declined the message after the relay had begun standing in because its connection
     * dropped (its SIP BYE came after, {@link RelaySessionPair#recipientDeclined}): nothing given to the sink
     * is to be delivered later. The relay refuses the chunks still unanswered or to come (413).
     */
    default void onRecipientDeclined() {
    }

    /**
     * The sender left before the message was complete ({@link RelaySessionPair#offererLeft}, its BYE or
     * CANCEL): what the sink has stays for a resume. May come after {@link #onClose}; nothing follows it.
     */
    default void onOffererLeft() {
    }

    /** The session ended (BYE, relay shutdown); no further calls follow but {@link #onOffererLeft}. */
    default void onClose() {
    }
}
