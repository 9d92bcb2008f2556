package org.cpmft.store.lease;

import org.cpmft.store.TestDatabases.Backend;

class LeaseClaimH2Test extends LeaseClaimContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
