package org.cpmft.store.content;

import org.cpmft.store.TestDatabases.Backend;

class CrashResumeH2Test extends CrashResumeContract {
    @Override
    protected Backend backend() {
        return Backend.H2;
    }
}
