package org.cpmft.pf.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"CPM FT Participating Function " + (v == null ? "dev" : v) + " (OMA CPM 2.0)"};
    }
}
