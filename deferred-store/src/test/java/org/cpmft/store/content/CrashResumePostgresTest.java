package org.cpmft.store.content;

import org.cpmft.store.TestDatabases.Backend;

class CrashResumePostgresTest extends CrashResumeContract {
    @Override
    protected Backend backend() {
        return Backend.POSTGRES;
    }
}
