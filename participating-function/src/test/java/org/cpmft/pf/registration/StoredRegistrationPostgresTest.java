package org.cpmft.pf.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cpmft.pf.deferral.TestDatabases;
import org.cpmft.pf.registration.RegistrationRegistry.Status;
import org.cpmft.store.DeferredStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes, each with its own store (connection pool) on one PostgreSQL, as two PF processes:
 * the registration one node was told is what the other decides from.
 */
class StoredRegistrationPostgresTest {
    private static final String BOB = "sip:bob@ims.example.com";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    private static ThirdPartyRegister register(String user, int expires, String instance) {
        return new ThirdPartyRegister(user, Duration.ofSeconds(expires), ThirdPartyRegister.Source.REGISTER_REQUEST,
                false, List.of(new ThirdPartyRegister.Binding("sip:ue@10.0.0.1", instance, Duration.ofSeconds(expires))));
    }

    @Test
    void whatOneNodeIsToldTheOtherKnows(@TempDir Path dir) throws Exception {
        try (TestDatabases.TestDatabase db = TestDatabases.create(TestDatabases.Backend.POSTGRES, dir);
             DeferredStore storeA = DeferredStore.open(db.config(), CLOCK);
             DeferredStore storeB = DeferredStore.open(db.config(), CLOCK)) {
            RegistrationRegistry a = new RegistrationRegistry(CLOCK, new StoredBindings(storeA.registrations(), "node-a"));
            RegistrationRegistry b = new RegistrationRegistry(CLOCK, new StoredBindings(storeB.registrations(), "node-b"));

            b.apply(register(BOB, 0, "<urn:uuid:1>"));
            assertThat(a.status(BOB)).isEqualTo(Status.NOT_REGISTERED);
            assertThat(a.apply(register(BOB, 3600, "<urn:uuid:1>")).kind()).isEqualTo(RegistrationEvent.Kind.REACHABLE);
            assertThat(b.status(BOB)).isEqualTo(Status.REGISTERED);
            assertThat(b.instances(BOB)).containsExactly("<urn:uuid:1>");
            assertThat(storeB.registrations().rows(BOB)).singleElement()
                    .satisfies(r -> assertThat(r.nodeId()).isEqualTo("node-a"));
            a.apply(ThirdPartyRegister.parse(BOB, 0, null, null));
            assertThat(b.status(BOB)).isEqualTo(Status.NOT_REGISTERED);

            // devices registering through both nodes at once: none is lost
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<RegistrationEvent>> done = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    RegistrationRegistry node = i % 2 == 0 ? a : b;
                    String instance = "<urn:uuid:d" + i + ">";
                    done.add(pool.submit(() -> node.apply(register("sip:carol@ims.example.com", 600, instance))));
                }
                long reachable = 0;
                for (Future<RegistrationEvent> f : done) {
                    reachable += f.get().kind() == RegistrationEvent.Kind.REACHABLE ? 1 : 0;
                }
                assertThat(reachable).as("one REGISTER made the user reachable, the others added devices")
                        .isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(a.instances("sip:carol@ims.example.com")).hasSize(8);
        }
    }
}
