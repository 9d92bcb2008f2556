package org.cpmft.pf.ops;

/**
 * Tells whether one part of the PF works (the store database, the MSRP listener, the SIP
 * container). Registered by name in a {@link HealthRegistry}. A check that throws is reported
 * DOWN with the exception's message; one that takes longer than the registry's timeout is
 * reported DOWN as timed out.
 */
@FunctionalInterface
public interface HealthCheck {

    Health check() throws Exception;
}
