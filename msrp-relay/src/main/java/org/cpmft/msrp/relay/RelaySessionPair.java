package org.cpmft.msrp.relay;

import java.util.concurrent.atomic.AtomicBoolean;

/** The two legs the relay joins for one MSRP media stream. */
public final class RelaySessionPair implements AutoCloseable {
    private final RelayLeg offerer;
    private final RelayLeg answerer;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    RelaySessionPair(RelayLeg offerer, RelayLeg answerer, Runnable onClose) {
        this.offerer = offerer;
        this.answerer = answerer;
        this.onClose = onClose;
        offerer.peer(answerer);
        answerer.peer(offerer);
    }

    public RelayLeg offererLeg() {
        return offerer;
    }

    public RelayLeg answererLeg() {
        return answerer;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Ends both sessions (BYE, failure); frames for them are answered 481 afterwards. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
            offerer.close();
            answerer.close();
        }
    }
}
