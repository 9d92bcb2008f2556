package org.cpmft.store.lease;

import org.cpmft.store.TestDatabases.Backend;

class LeaseClaimPostgresTest extends LeaseClaimContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
