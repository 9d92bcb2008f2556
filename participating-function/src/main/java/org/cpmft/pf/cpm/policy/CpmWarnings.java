package org.cpmft.pf.cpm.policy;

/**
 * Warning texts CPM and RCS clients recognise. They travel as the warn-text of a {@code 399}
 * (miscellaneous) Warning, e.g. {@code Warning: 399 pf.example.net "122 Function not allowed"},
 * because RFC 3261 section 20.43 reserves warn-codes 300-399 and the CPM/RCS numbers (122, 133)
 * are not warn-codes: the clients match the text.
 */
public final class CpmWarnings {

    /** OMA CPM 9.3.1 (seed 002): FT in a group session is not supported; sent with 403. */
    public static final String FUNCTION_NOT_ALLOWED = "122 Function not allowed";

    /** GSMA RCS (RCC.07 file transfer): the file is larger than the allowed maximum; sent with 403. */
    public static final String SIZE_EXCEEDED = "133 Size exceeded";

    private CpmWarnings() {
    }
}
