package org.cpmft.store;

/** A store operation failed (database unreachable, constraint violated, corrupt content). */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
