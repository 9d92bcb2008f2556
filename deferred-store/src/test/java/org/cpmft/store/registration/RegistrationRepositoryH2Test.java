package org.cpmft.store.registration;

import org.cpmft.store.TestDatabases.Backend;

class RegistrationRepositoryH2Test extends RegistrationRepositoryContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
