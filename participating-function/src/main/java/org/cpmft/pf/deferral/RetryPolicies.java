package org.cpmft.pf.deferral;

import org.cpmft.pf.config.RetryConfig;
import org.cpmft.store.retry.RetryPolicy;

/** The store's retry policy from the {@code retry} config section (same backoff rule). */
public final class RetryPolicies {

    private RetryPolicies() {
    }

    public static RetryPolicy from(RetryConfig c) {
        return new RetryPolicy(c.firstDelay(), c.backoffFactor(), c.maxDelay(), c.maxAttempts(), c.expiry());
    }
}
