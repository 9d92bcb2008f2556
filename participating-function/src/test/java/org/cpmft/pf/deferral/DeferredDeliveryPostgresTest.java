package org.cpmft.pf.deferral;

class DeferredDeliveryPostgresTest extends DeferredDeliveryContract {
    @Override
    TestDatabases.Backend backend() {
        return TestDatabases.Backend.POSTGRES;
    }
}
