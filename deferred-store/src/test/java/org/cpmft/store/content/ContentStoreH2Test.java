package org.cpmft.store.content;

import org.cpmft.store.TestDatabases.Backend;

class ContentStoreH2Test extends ContentStoreContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
