package org.cpmft.pf.deferral;

import org.cpmft.store.StoreConfig;

/** The deferred store's connection settings from the PF's {@code store} config section. */
public final class StoreConfigs {

    private StoreConfigs() {
    }

    public static StoreConfig from(org.cpmft.pf.config.StoreConfig c) {
        // The store needs a claim and a content writer at once, so at least 2 connections.
        return new StoreConfig(c.jdbcUrl(), c.user(), c.password(), Math.max(2, c.poolSize()),
                Math.min(c.chunkSize(), StoreConfig.MAX_CHUNK_SIZE));
    }
}
