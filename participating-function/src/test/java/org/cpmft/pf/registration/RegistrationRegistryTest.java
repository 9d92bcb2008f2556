package org.cpmft.pf.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistrationRegistryTest {
    private static final String BOB = "sip:bob@ims.example.com";
    private Instant now = Instant.parse("2026-03-01T10:00:00Z");
    private final java.time.Clock clock = new java.time.Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final RegistrationRegistry registry = new RegistrationRegistry(clock);
    private final List<RegistrationEvent> events = new ArrayList<>();

    {
        registry.addListener(events::add);
    }

    private static ThirdPartyRegister request(int outer, String... contacts) {
        return new ThirdPartyRegister(BOB, Duration.ofSeconds(outer), ThirdPartyRegister.Source.REGISTER_REQUEST,
                false, java.util.Arrays.stream(contacts).map(c -> {
                    String[] p = c.split(" ");
                    return new ThirdPartyRegister.Binding(p[0], p[1], Duration.ofSeconds(Long.parseLong(p[2])));
                }).toList());
    }

    @Test
    void firstRegisterMakesTheUserReachableAndTellsTheListeners() {
        assertThat(registry.isRegistered(BOB)).isFalse();
        RegistrationEvent e = registry.apply(ThirdPartyRegister.parse("<sip:bob@IMS.example.com>", 600, null, null));
        assertThat(e.kind()).isEqualTo(RegistrationEvent.Kind.REACHABLE);
        assertThat(events).containsExactly(e);
        assertThat(registry.isRegistered("sip:bob@ims.example.com:5060;user=phone")).isTrue();
        assertThat(registry.instances(BOB)).isEmpty();
    }

    @Test
    void devicesAreAddedRefreshedAndRemovedByTheirInstance() {
        RegistrationEvent first = registry.apply(request(600, "sip:d1@a <urn:uuid:1> 600"));
        assertThat(first.kind()).isEqualTo(RegistrationEvent.Kind.REACHABLE);
        assertThat(first.newInstances()).containsExactly("<urn:uuid:1>");

        RegistrationEvent second = registry.apply(request(600, "sip:d2@b <urn:uuid:2> 600"));
        assertThat(second.kind()).isEqualTo(RegistrationEvent.Kind.DEVICE_ADDED);
        assertThat(second.newInstances()).containsExactly("<urn:uuid:2>");
        assertThat(registry.instances(BOB)).containsExactlyInAnyOrder("<urn:uuid:1>", "<urn:uuid:2>");

        // same device, new contact address: a refresh, not a new device
        RegistrationEvent refresh = registry.apply(request(600, "sip:d1@c <urn:uuid:1> 600"));
        assertThat(refresh.kind()).isEqualTo(RegistrationEvent.Kind.REFRESHED);
        assertThat(registry.bindings(BOB)).hasSize(2);

        registry.apply(request(600, "sip:d1@c <urn:uuid:1> 0"));
        assertThat(registry.instances(BOB)).containsExactly("<urn:uuid:2>");
        assertThat(registry.isInstanceRegistered(BOB, "\"<URN:UUID:2>\"")).isTrue();
        assertThat(registry.isInstanceRegistered(BOB, "<urn:uuid:1>")).isFalse();
    }

    @Test
    void deregistrationLeavesTheUserKnownAsNotRegistered() {
        assertThat(registry.status(BOB)).isEqualTo(RegistrationRegistry.Status.UNKNOWN);
        registry.apply(request(600, "sip:d1@a <urn:uuid:1> 600"));
        assertThat(registry.status(BOB)).isEqualTo(RegistrationRegistry.Status.REGISTERED);
        RegistrationEvent e = registry.apply(ThirdPartyRegister.parse(BOB, 0, null, null));
        assertThat(e.kind()).isEqualTo(RegistrationEvent.Kind.UNREACHABLE);
        assertThat(e.reachable()).isFalse();
        assertThat(registry.isRegistered(BOB)).isFalse();
        assertThat(registry.bindings(BOB)).isEmpty();
        assertThat(registry.status("sip:bob@IMS.example.com;user=phone")).isEqualTo(RegistrationRegistry.Status.NOT_REGISTERED);
    }

    @Test
    void bindingsLapseByTheClockAndTheUserIsForgottenOnlyAfterKnownFor() {
        registry.apply(request(600, "sip:d1@a <urn:uuid:1> 60", "sip:d2@b <urn:uuid:2> 600"));
        now = now.plusSeconds(61);
        assertThat(registry.instances(BOB)).containsExactly("<urn:uuid:2>");
        now = now.plusSeconds(600);
        assertThat(registry.isRegistered(BOB)).isFalse();
        assertThat(registry.status(BOB)).isEqualTo(RegistrationRegistry.Status.NOT_REGISTERED);
        assertThat(registry.pruneLapsed(100)).isZero();

        now = now.plus(registry.knownFor());
        assertThat(registry.pruneLapsed(1)).as("bounded").isEqualTo(1);
        assertThat(registry.status(BOB)).isEqualTo(RegistrationRegistry.Status.NOT_REGISTERED);
        assertThat(registry.pruneLapsed(100)).isEqualTo(1);
        assertThat(registry.status(BOB)).isEqualTo(RegistrationRegistry.Status.UNKNOWN);
        // registering again after lapse is "reachable" again
        assertThat(registry.apply(request(600, "sip:d1@a <urn:uuid:1> 60")).kind())
                .isEqualTo(RegistrationEvent.Kind.REACHABLE);
    }

    @Test
    void aRegistrationAfterLapseIsReachableEvenBeforePruning() {
        registry.apply(request(600, "sip:d1@a <urn:uuid:1> 60"));
        now = now.plusSeconds(61);
        RegistrationEvent again = registry.apply(request(600, "sip:d1@a <urn:uuid:1> 60"));
        assertThat(again.kind()).isEqualTo(RegistrationEvent.Kind.REACHABLE);
        assertThat(again.newInstances()).containsExactly("<urn:uuid:1>");
    }

    @Test
    void theTwoHundredOkReplacesTheKnownBindings() {
        registry.apply(request(600, "sip:d1@a <urn:uuid:1> 600"));
        ThirdPartyRegister ok = new ThirdPartyRegister(BOB, Duration.ofSeconds(600),
                ThirdPartyRegister.Source.REGISTER_RESPONSE, false,
                List.of(new ThirdPartyRegister.Binding("sip:d3@c", "<urn:uuid:3>", Duration.ofSeconds(600))));
        registry.apply(ok);
        assertThat(registry.instances(BOB)).isEqualTo(Set.of("<urn:uuid:3>"));
    }

    @Test
    void removingTheLastKnownDeviceWhileTheUserStaysRegisteredKeepsTheUserReachable() {
        registry.apply(request(600, "sip:d1@a <urn:uuid:1> 600"));
        registry.apply(request(600, "sip:d1@a <urn:uuid:1> 0"));
        assertThat(registry.isRegistered(BOB)).isTrue();
        assertThat(registry.instances(BOB)).isEmpty();
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        List<String> seen = new ArrayList<>();
        registry.addListener(e -> {
            throw new IllegalStateException("boom");
        });
        registry.addListener(e -> seen.add(e.user()));
        registry.apply(request(600, "sip:d1@a <urn:uuid:1> 600"));
        assertThat(seen).containsExactly(BOB);
    }
}
