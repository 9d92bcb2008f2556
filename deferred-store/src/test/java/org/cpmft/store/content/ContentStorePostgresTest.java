package org.cpmft.store.content;

import org.cpmft.store.TestDatabases.Backend;

class ContentStorePostgresTest extends ContentStoreContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
