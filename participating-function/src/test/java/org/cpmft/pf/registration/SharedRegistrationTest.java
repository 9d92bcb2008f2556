package org.cpmft.pf.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.cpmft.pf.registration.RegistrationRegistry.Status;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' registries on one binding store (as two PF nodes on one database): each decides from
 * what either was told, and only the node a REGISTER reached tells its listeners.
 */
class SharedRegistrationTest {
    private static final String BOB = "sip:bob@ims.example.com";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    private final BindingStore shared = BindingStore.inMemory();
    private final RegistrationRegistry a = new RegistrationRegistry(CLOCK, shared);
    private final RegistrationRegistry b = new RegistrationRegistry(CLOCK, shared);
    private final List<RegistrationEvent> heardByA = new ArrayList<>();
    private final List<RegistrationEvent> heardByB = new ArrayList<>();

    {
        a.addListener(heardByA::add);
        b.addListener(heardByB::add);
    }

    private static ThirdPartyRegister register(int expires) {
        return ThirdPartyRegister.parse(BOB, expires, null, null);
    }

    @Test
    void aNodeThatSawTheDeregistrationSeesTheRegistrationThroughTheOtherNode() {
        b.apply(register(0));
        assertThat(b.status(BOB)).isEqualTo(Status.NOT_REGISTERED);

        a.apply(register(3600));
        assertThat(b.status(BOB)).as("B's earlier Expires 0 is stale").isEqualTo(Status.REGISTERED);
        assertThat(b.isRegistered(BOB)).isTrue();
        assertThat(heardByB).hasSize(1).allMatch(e -> !e.reachable());
        assertThat(heardByA).singleElement().extracting(RegistrationEvent::kind)
                .isEqualTo(RegistrationEvent.Kind.REACHABLE);
    }

    @Test
    void aDeregistrationThroughOneNodeIsKnownToTheOther() {
        assertThat(b.status(BOB)).isEqualTo(Status.UNKNOWN);
        a.apply(register(3600));
        assertThat(b.status(BOB)).isEqualTo(Status.REGISTERED);
        a.apply(register(0));
        assertThat(b.status(BOB)).isEqualTo(Status.NOT_REGISTERED);
        assertThat(heardByB).isEmpty();
    }

    @Test
    void theChangeIsJudgedAgainstWhatAnyNodeStored() {
        a.apply(register(3600));
        RegistrationEvent refresh = b.apply(register(3600));
        assertThat(refresh.kind()).as("registered through A already").isEqualTo(RegistrationEvent.Kind.REFRESHED);
    }

    @Test
    void aStoreThatCannotBeReadLeavesTheUserUnknownAndAFailedWriteTellsNoListener() {
        BindingStore down = new BindingStore() {
            @Override
            public List<ContactBinding> read(String user) {
                throw new IllegalStateException("database down");
            }

            @Override
            public Change update(String user, UnaryOperator<List<ContactBinding>> change) {
                throw new IllegalStateException("database down");
            }

            @Override
            public int pruneLapsed(Instant before, int max) {
                throw new IllegalStateException("database down");
            }
        };
        RegistrationRegistry registry = new RegistrationRegistry(CLOCK, down, Duration.ofHours(1));
        List<RegistrationEvent> heard = new ArrayList<>();
        registry.addListener(heard::add);
        assertThat(registry.status(BOB)).isEqualTo(Status.UNKNOWN);
        assertThatThrownBy(() -> registry.apply(register(3600))).hasMessageContaining("database down");
        assertThat(heard).isEmpty();
    }
}
