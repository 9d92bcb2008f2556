package org.cpmft.store.lease;

import java.util.UUID;
import org.cpmft.store.StoreException;

/**
 * The caller no longer holds the lease on a record: it ran out and another node claimed the
 * record, or an operator ended it. The caller must stop working on the record.
 */
public final class LeaseLostException extends StoreException {
    private final UUID id;
    private final String nodeId;

    public LeaseLostException(UUID id, String nodeId, String detail) {
        super("node " + nodeId + " holds no lease on " + id + ": " + detail);
        this.id = id;
        this.nodeId = nodeId;
    }

    public UUID id() {
        return id;
    }

    public String nodeId() {
        return nodeId;
    }
}
