package org.cpmft.store.transfer;

import org.cpmft.store.TestDatabases.Backend;

class TransferRepositoryPostgresTest extends TransferRepositoryContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
