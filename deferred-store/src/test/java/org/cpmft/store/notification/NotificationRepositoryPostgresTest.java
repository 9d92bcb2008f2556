package org.cpmft.store.notification;

import org.cpmft.store.TestDatabases.Backend;

class NotificationRepositoryPostgresTest extends NotificationRepositoryContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
