package org.cpmft.pf.sip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of what the servlet does with FT requests, for /metrics. */
public final class SipMetrics implements SipEventListener {

    private final MeterRegistry registry;
    private final Counter established;
    private final Counter registers;
    private final Counter reoffered;

    public SipMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.established = Counter.builder("pf_ft_sessions_established")
                .description("File transfer sessions set up end to end (2xx relayed to the sender)").register(registry);
        this.reoffered = Counter.builder("pf_ft_reinvite_transfers")
                .description("New files accepted in re-INVITEs of established file transfer sessions").register(registry);
        this.registers = Counter.builder("pf_third_party_registers")
                .description("Third-party REGISTER requests received from the S-CSCF").register(registry);
    }

    /** What the container holds: sessions that outlive their dialogs show here. */
    public static void bindSessionCounts(MeterRegistry registry) {
        Gauge.builder("pf_sip_application_sessions_active", SessionCounts::applicationSessions)
                .description("SIP application sessions the container holds (one per FT session until it is invalidated)")
                .register(registry);
        Gauge.builder("pf_sip_sessions_active", SessionCounts::sipSessions)
                .description("SIP sessions (dialogs of either leg) the container holds").register(registry);
    }

    /** Requests the SIP stack could not take as they were ({@link MalformedRequestValve}). */
    public static void bindMalformedRequests(MeterRegistry registry) {
        FunctionCounter.builder("pf_sip_malformed_requests", MalformedRequestValve.class, c -> MalformedRequestValve.rejected())
                .description("Malformed requests answered 400 Bad Request with a Warning").tag("action", "rejected")
                .register(registry);
        FunctionCounter.builder("pf_sip_malformed_requests", MalformedRequestValve.class, c -> MalformedRequestValve.dropped())
                .description("Malformed requests dropped: no route for a response (no usable Via) or an ACK")
                .tag("action", "dropped").register(registry);
    }

    /** Overload control: set-ups in progress and INVITEs refused with 503. */
    public static void bindOverloadControl(MeterRegistry registry, SetupAdmission admission) {
        Gauge.builder("pf_sip_setups_in_progress", admission, SetupAdmission::inProgress)
                .description("Session set-ups in progress as overload control counts them").register(registry);
        FunctionCounter.builder("pf_sip_overload_refused", admission, SetupAdmission::refused)
                .description("Initial INVITEs refused with 503 by overload control").register(registry);
    }

    @Override
    public void inviteRejected(int status) {
        Counter.builder("pf_ft_invites_rejected").description("File transfer INVITEs refused by the PF, by status")
                .tag("status", Integer.toString(status)).register(registry).increment();
    }

    @Override
    public void transferEstablished() {
        established.increment();
    }

    @Override
    public void transferReoffered() {
        reoffered.increment();
    }

    @Override
    public void thirdPartyRegister(ThirdPartyRegisterView register) {
        registers.increment();
    }
}
