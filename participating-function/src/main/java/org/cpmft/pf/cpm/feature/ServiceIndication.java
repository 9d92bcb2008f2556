package org.cpmft.pf.cpm.feature;

import java.util.Optional;

/**
 * Which CPM service a request asks for, and which header said so.
 *
 * @param service the service, empty if no CPM service could be identified
 * @param source  the header the decision came from
 */
public record ServiceIndication(Optional<CpmService> service, Source source) {

    /** Where the service was read from, in the order {@link FeatureTags#identify} consults them. */
    public enum Source {
        ACCEPT_CONTACT, P_ASSERTED_SERVICE, P_PREFERRED_SERVICE, CONTACT, NONE,
        /** Known from the dialog the request belongs to (a re-INVITE of an FT session). */
        DIALOG
    }

    public static ServiceIndication none() {
        return new ServiceIndication(Optional.empty(), Source.NONE);
    }

    public boolean isFileTransfer() {
        return service.filter(s -> s == CpmService.FILE_TRANSFER).isPresent();
    }

    public boolean isSession() {
        return service.filter(s -> s == CpmService.SESSION).isPresent();
    }
}
