package org.cpmft.store;

import org.cpmft.store.TestDatabases.Backend;

class MigrationPostgresTest extends MigrationContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
