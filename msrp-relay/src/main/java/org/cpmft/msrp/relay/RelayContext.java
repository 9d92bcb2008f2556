package org.cpmft.msrp.relay;

import java.util.concurrent.CompletableFuture;
import org.cpmft.msrp.message.MsrpUri;

/** What connections and legs need from the relay that owns them. */
interface RelayContext {
    RelayConfig config();

    RelayMetrics metrics();

    /** @return the leg whose local session-id is {@code sessionId}, or null */
    RelayLeg leg(String sessionId);

    /** An open (possibly shared) connection to the first hop of a path. */
    CompletableFuture<RelayConnection> connect(MsrpUri firstHop);

    void closed(RelayConnection connection);
}
