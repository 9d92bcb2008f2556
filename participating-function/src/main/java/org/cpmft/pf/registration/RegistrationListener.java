package org.cpmft.pf.registration;

/**
 * Told about each registration change. Called on the thread that applied the REGISTER (the SIP
 * container's): return quickly and hand longer work to an executor.
 */
@FunctionalInterface
public interface RegistrationListener {
    void registrationChanged(RegistrationEvent event);
}
