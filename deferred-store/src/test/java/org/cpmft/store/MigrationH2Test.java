package org.cpmft.store;

import org.cpmft.store.TestDatabases.Backend;

class MigrationH2Test extends MigrationContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
