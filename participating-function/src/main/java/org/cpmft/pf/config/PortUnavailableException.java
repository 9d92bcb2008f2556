package org.cpmft.pf.config;

/** A listening port cannot be bound; the message is one line naming the address and the reason. */
public class PortUnavailableException extends RuntimeException {

    public PortUnavailableException(String message, Throwable cause) {
        super(ConfigException.oneLine(message), cause);
    }
}
