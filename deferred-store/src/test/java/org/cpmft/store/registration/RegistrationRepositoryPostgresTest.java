package org.cpmft.store.registration;

import org.cpmft.store.TestDatabases.Backend;

class RegistrationRepositoryPostgresTest extends RegistrationRepositoryContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
