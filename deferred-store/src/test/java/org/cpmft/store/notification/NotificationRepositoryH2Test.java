package org.cpmft.store.notification;

import org.cpmft.store.TestDatabases.Backend;

class NotificationRepositoryH2Test extends NotificationRepositoryContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
