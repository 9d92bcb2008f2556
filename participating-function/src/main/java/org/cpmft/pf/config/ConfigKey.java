package org.cpmft.pf.config;

import java.util.Locale;

/**
 * One setting: its place in the file ({@code section.name}), its environment variable, its
 * embedded default and what it means.
 *
 * @param defaultValue the default exactly as it could be written in the file; empty for none
 * @param shownDefault the default as printed in help (differs when it is derived from another key)
 * @param reloadable   true when a changed value takes effect on reload, without a restart
 */
public record ConfigKey(String section, String name, String defaultValue, String shownDefault, String meaning,
        boolean reloadable) {

    /** {@code section.name}, e.g. {@code sip.outboundProxy}. */
    public String path() {
        return section + "." + name;
    }

    /** {@code PF_<SECTION>_<KEY>} in upper snake case, e.g. {@code PF_SIP_OUTBOUND_PROXY}. */
    public String envVar() {
        return envPrefix(section) + name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    static String envPrefix(String section) {
        return "PF_" + section.toUpperCase(Locale.ROOT) + "_";
    }
}
