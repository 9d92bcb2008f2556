package org.cpmft.store.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpmft.store.transfer.TransferState.DELIVERED;
import static org.cpmft.store.transfer.TransferState.DELIVERING;
import static org.cpmft.store.transfer.TransferState.EXPIRED;
import static org.cpmft.store.transfer.TransferState.FAILED;
import static org.cpmft.store.transfer.TransferState.RECEIVING;
import static org.cpmft.store.transfer.TransferState.STORED;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransferStateTest {
    /** The whole allowed-move table; every pair not listed must be refused. */
    private static final Map<TransferState, Set<TransferState>> ALLOWED = Map.of(
            RECEIVING, EnumSet.of(STORED, EXPIRED, FAILED),
            STORED, EnumSet.of(DELIVERING, EXPIRED, FAILED),
            DELIVERING, EnumSet.of(STORED, DELIVERED, EXPIRED, FAILED),
            DELIVERED, EnumSet.noneOf(TransferState.class),
            EXPIRED, EnumSet.noneOf(TransferState.class),
            FAILED, EnumSet.noneOf(TransferState.class));

    @Test
    void everyPairFollowsTheTable() {
        for (TransferState from : TransferState.values()) {
            for (TransferState to : TransferState.values()) {
                boolean allowed = ALLOWED.get(from).contains(to);
                assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(allowed);
                if (allowed) {
                    assertThat(from.moveTo(to)).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> from.moveTo(to))
                            .isInstanceOf(IllegalStateTransitionException.class)
                            .hasMessageContaining(from + " -> " + to)
                            .satisfies(e -> {
                                IllegalStateTransitionException ex = (IllegalStateTransitionException) e;
                                assertThat(ex.from()).isEqualTo(from);
                                assertThat(ex.to()).isEqualTo(to);
                            });
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TransferState.class)
    void noStateMovesToItself(TransferState state) {
        assertThat(state.canMoveTo(state)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(TransferState.class)
    void terminalStatesAreExactlyThoseWithoutSuccessors(TransferState state) {
        assertThat(state.isTerminal()).isEqualTo(state.successors().isEmpty());
    }

    @Test
    void terminalStates() {
        assertThat(EnumSet.allOf(TransferState.class).stream().filter(TransferState::isTerminal))
                .containsExactlyInAnyOrder(DELIVERED, EXPIRED, FAILED);
    }

    @Test
    void everyLiveStateCanBeGivenUp() {
        for (TransferState s : EnumSet.of(RECEIVING, STORED, DELIVERING)) {
            assertThat(s.canMoveTo(EXPIRED)).isTrue();
            assertThat(s.canMoveTo(FAILED)).isTrue();
        }
    }

    @Test
    void deliveredIsReachableOnlyThroughDelivering() {
        for (TransferState s : TransferState.values()) {
            assertThat(s.canMoveTo(DELIVERED)).as(s.name()).isEqualTo(s == DELIVERING);
        }
    }

    @Test
    void successorsIsADefensiveCopy() {
        STORED.successors().clear();
        assertThat(STORED.canMoveTo(DELIVERING)).isTrue();
    }
}
