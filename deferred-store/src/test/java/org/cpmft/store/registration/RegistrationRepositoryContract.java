package org.cpmft.store.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cpmft.store.StoreTestBase;
import org.junit.jupiter.api.Test;

/** Registration bindings shared by the nodes; run on H2 and PostgreSQL. */
public abstract class RegistrationRepositoryContract extends StoreTestBase {
    private static final String BOB = "sip:bob@example.com";
    private static final String PHONE = "<urn:gsma:imei:35209900-176148-0>";
    private static final String TABLET = "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>";
    /** The lapsed row a user's first update writes besides its devices. */
    private static final StoredBinding FIRST_ANCHOR = new StoredBinding(null, null, T0);

    private RegistrationRepository repo() {
        return store.registrations();
    }

    private Instant in(Duration d) {
        return clock.instant().plus(d);
    }

    @Test
    void anUnknownUserHasNoRows() {
        assertThat(repo().find(BOB)).isEmpty();
    }

    @Test
    void anUpdateWritesTheDevicesWithTheNodeAndTime() {
        StoredBinding phone = new StoredBinding("sip:bob@10.0.0.1:5060", PHONE, in(Duration.ofHours(1)));
        RegistrationRepository.Update u = repo().update(BOB, "node-a", current -> List.of(phone));
        assertThat(u.before()).isEmpty();
        assertThat(u.after()).containsExactly(phone);
        assertThat(repo().find(BOB)).containsExactly(phone, FIRST_ANCHOR);
        assertThat(repo().rows(BOB)).first().satisfies(r -> {
            assertThat(r.nodeId()).isEqualTo("node-a");
            assertThat(r.updatedAt()).isEqualTo(T0);
            assertThat(r.userUri()).isEqualTo(BOB);
        });
        assertThat(repo().find("sip:alice@example.com")).isEmpty();
    }

    @Test
    void aRefreshFromAnotherNodeUpdatesTheDeviceInPlaceAndDropsWhatTheChangeLeavesOut() {
        StoredBinding phone = new StoredBinding("sip:bob@10.0.0.1", PHONE, in(Duration.ofMinutes(10)));
        StoredBinding tablet = new StoredBinding("sip:bob@10.0.0.2", TABLET, in(Duration.ofMinutes(10)));
        repo().update(BOB, "node-a", current -> List.of(phone, tablet));
        var phoneRow = repo().rows(BOB).stream().filter(r -> PHONE.equals(r.instanceId())).findFirst().orElseThrow();

        clock.advance(Duration.ofMinutes(1));
        // same instance behind a new contact: the same device
        StoredBinding moved = new StoredBinding("sip:bob@10.0.0.9", PHONE, in(Duration.ofHours(1)));
        RegistrationRepository.Update u = repo().update(BOB, "node-b", current -> {
            assertThat(current).containsExactlyInAnyOrder(phone, tablet, FIRST_ANCHOR);
            return List.of(moved);
        });
        assertThat(u.before()).containsExactlyInAnyOrder(phone, tablet, FIRST_ANCHOR);
        assertThat(repo().rows(BOB)).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo(phoneRow.id());
            assertThat(r.contactUri()).isEqualTo("sip:bob@10.0.0.9");
            assertThat(r.expiresAt()).isEqualTo(in(Duration.ofHours(1)));
            assertThat(r.nodeId()).isEqualTo("node-b");
            assertThat(r.updatedAt()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
        });
    }

    @Test
    void rowsOfOneDeviceCollapseToTheLastAndContactsWithoutInstanceAreDevicesOfTheirOwn() {
        StoredBinding first = new StoredBinding("sip:bob@10.0.0.1", PHONE, in(Duration.ofMinutes(1)));
        StoredBinding last = new StoredBinding("sip:bob@10.0.0.2", PHONE, in(Duration.ofMinutes(2)));
        StoredBinding plain = new StoredBinding("sip:bob@10.0.0.1", null, in(Duration.ofMinutes(3)));
        StoredBinding unknownDevice = new StoredBinding(null, null, in(Duration.ofMinutes(4)));
        RegistrationRepository.Update u = repo().update(BOB, "n", c -> List.of(first, last, plain, unknownDevice));
        assertThat(u.after()).containsExactly(last, plain, unknownDevice);
        assertThat(repo().find(BOB)).containsExactlyInAnyOrder(last, plain, unknownDevice);
    }

    @Test
    void anEmptyChangeForgetsTheUser() {
        repo().update(BOB, "n", c -> List.of(new StoredBinding(null, null, in(Duration.ofMinutes(1)))));
        repo().update(BOB, "n", c -> List.of());
        assertThat(repo().find(BOB)).isEmpty();
    }

    @Test
    void concurrentUpdatesOfOneUserFromManyNodesAreSerialized() throws Exception {
        int nodes = 6;
        java.util.concurrent.atomic.AtomicInteger sawNoDevice = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                String node = "node-" + i;
                StoredBinding mine = new StoredBinding("sip:bob@10.0.0." + i, "<urn:uuid:" + i + ">", in(Duration.ofHours(1)));
                done.add(pool.submit(() -> {
                    RegistrationRepository.Update u = repo().update(BOB, node, current -> {
                        List<StoredBinding> next = new ArrayList<>(current);
                        next.removeIf(b -> b.instanceId() == null);
                        next.add(mine);
                        return next;
                    });
                    if (u.before().stream().allMatch(b -> b.instanceId() == null)) {
                        sawNoDevice.incrementAndGet();
                    }
                    return u;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // each change saw every earlier one: none was lost, and only the first found no device
        assertThat(repo().find(BOB)).hasSize(nodes);
        assertThat(sawNoDevice).hasValue(1);
    }

    @Test
    void pruningDeletesLapsedRowsOldestFirstInBoundedBatches() {
        for (int i = 1; i <= 5; i++) {
            int minutes = i;
            repo().update("sip:u" + i + "@example.com", "n",
                    c -> List.of(new StoredBinding(null, null, T0.plus(Duration.ofMinutes(minutes)))));
        }
        repo().update(BOB, "n", c -> List.of(new StoredBinding("sip:bob@10.0.0.1", PHONE, in(Duration.ofDays(1)))));
        Instant cut = T0.plus(Duration.ofMinutes(4));
        assertThat(repo().pruneLapsed(cut, 2)).isEqualTo(2);
        assertThat(repo().find(BOB)).as("its first anchor went first").hasSize(1);
        assertThat(repo().find("sip:u1@example.com")).isEmpty();
        assertThat(repo().find("sip:u2@example.com")).hasSize(1);
        assertThat(repo().pruneLapsed(cut, 10)).isEqualTo(2);
        assertThat(repo().find("sip:u3@example.com")).isEmpty();
        assertThat(repo().pruneLapsed(cut, 10)).isZero();
        assertThat(repo().count()).isEqualTo(3);
        assertThat(repo().find(BOB)).hasSize(1);
    }
}
