package org.cpmft.store.transfer;

import org.cpmft.store.TestDatabases.Backend;

class TransferRepositoryH2Test extends TransferRepositoryContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
