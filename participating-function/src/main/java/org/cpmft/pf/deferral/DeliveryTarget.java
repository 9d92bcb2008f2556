package org.cpmft.pf.deferral;

import java.util.Set;

/**
 * Which device a re-offer goes to and from which octet (CPM 2.0 device affinity, seed 002 4.2:
 * deferred delivery "to the same CPM User's device on which the invitation was originally
 * accepted"; seed 004 7.4.5.1: a resume names the same device).
 *
 * <ul>
 *   <li>No device recorded: any device, resuming at the octets delivered.</li>
 *   <li>The recorded device is registered, or this node knows no devices of the user (no
 *       registration seen, or the S-CSCF sends no contacts): that device, resuming. The
 *       Accept-Contact of the INVITE ({@code require;explicit}) lets the network refuse it if that
 *       device is not there.</li>
 *   <li>The user is registered only with other devices: with {@link DeviceAffinity#STRICT} the file
 *       waits for the recorded device ({@link #waiting()}). With {@link DeviceAffinity#FALLBACK} it
 *       is offered whole to any device when the store has it from octet 0 (a resume offer would be
 *       refused there, 488 CPM 7.4.5.2); a store holding only the tail waits, since only the
 *       recorded device can finish it.</li>
 * </ul>
 *
 * @param instance     the device, or null for any
 * @param resumeOffset 0-based first octet to send
 * @param fallback     the offer left the recorded device: its progress is not that device's
 * @param waiting      no offer now: the recorded device is not registered
 */
public record DeliveryTarget(String instance, long resumeOffset, boolean fallback, boolean waiting) {

    public static DeliveryTarget choose(String recordedInstance, long bytesDelivered, long contentStart,
                                        Set<String> registeredInstances, DeviceAffinity affinity) {
        if (recordedInstance == null || registeredInstances.isEmpty()
                || registeredInstances.contains(recordedInstance)) {
            return new DeliveryTarget(recordedInstance, bytesDelivered, false, false);
        }
        if (affinity == DeviceAffinity.FALLBACK && contentStart == 0) {
            return new DeliveryTarget(null, 0, true, false);
        }
        return new DeliveryTarget(recordedInstance, bytesDelivered, false, true);
    }
}
