package org.cpmft.pf.deferral;

import java.util.Set;

/**
 * Which device a re-offer goes to and from which octet (CPM 2.0 device affinity, seed 002 4.2:
 * deferred delivery "to the same CPM User's device on which the invitation was originally
 * accepted").
 *
 * <ul>
 *   <li>No device recorded: any device, resuming at the octets delivered.</li>
 *   <li>The recorded device is registered, or this node knows no devices of the user (no
 *       registration seen here, or the S-CSCF sends no contacts): that device, resuming.</li>
 *   <li>The user is registered only with other devices: a resume offer would be refused there
 *       (488, CPM 7.4.5.2), so when the store has the file from octet 0 it is offered whole
 *       to any device ({@code fallback}); otherwise only the recorded device can finish it.</li>
 * </ul>
 *
 * @param instance     the device, or null for any
 * @param resumeOffset 0-based first octet to send
 * @param fallback     the offer left the recorded device: its progress is not that device's
 */
public record DeliveryTarget(String instance, long resumeOffset, boolean fallback) {

    public static DeliveryTarget choose(String recordedInstance, long bytesDelivered, long contentStart,
                                        Set<String> registeredInstances) {
        if (recordedInstance == null || registeredInstances.isEmpty()
                || registeredInstances.contains(recordedInstance)) {
            return new DeliveryTarget(recordedInstance, bytesDelivered, false);
        }
        if (contentStart == 0) {
            return new DeliveryTarget(null, 0, true);
        }
        return new DeliveryTarget(recordedInstance, bytesDelivered, false);
    }
}
