package org.cpmft.pf.deferral;

class DeferredDeliveryH2Test extends DeferredDeliveryContract {
    @Override
    TestDatabases.Backend backend() {
        return TestDatabases.Backend.H2;
    }
}
