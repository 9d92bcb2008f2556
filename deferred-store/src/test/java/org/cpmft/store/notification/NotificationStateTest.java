package org.cpmft.store.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotificationStateTest {
    private static final Map<NotificationState, Set<NotificationState>> ALLOWED = Map.of(
            NotificationState.PENDING, EnumSet.of(NotificationState.SENDING, NotificationState.EXPIRED,
                    NotificationState.FAILED),
            NotificationState.SENDING, EnumSet.of(NotificationState.PENDING, NotificationState.SENT,
                    NotificationState.EXPIRED, NotificationState.FAILED),
            NotificationState.SENT, EnumSet.noneOf(NotificationState.class),
            NotificationState.EXPIRED, EnumSet.noneOf(NotificationState.class),
            NotificationState.FAILED, EnumSet.noneOf(NotificationState.class));

    @Test
    void everyPairFollowsTheTable() {
        for (NotificationState from : NotificationState.values()) {
            for (NotificationState to : NotificationState.values()) {
                boolean allowed = ALLOWED.get(from).contains(to);
                assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(allowed);
                if (allowed) {
                    assertThat(from.moveTo(to)).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> from.moveTo(to)).isInstanceOf(IllegalStateException.class);
                }
                assertThat(from.isTerminal()).isEqualTo(ALLOWED.get(from).isEmpty());
            }
        }
    }
}
