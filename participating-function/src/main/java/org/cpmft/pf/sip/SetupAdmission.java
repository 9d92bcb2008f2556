package org.cpmft.pf.sip;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Overload control for new sessions: whether the PF takes on one more initial INVITE, or refuses it
 * with 503 and Retry-After (RFC 3261 21.5.4) so that an overloaded PF sheds new work instead of
 * answering every call too late and drowning in retransmissions (RFC 6357 section 3).
 *
 * <p>Two limits, each off at 0: the set-ups in progress (from the initial INVITE to the far end's
 * first answer other than 100, or else the sender's ACK or CANCEL) and the rate of admitted INVITEs (a token
 * bucket holding one second's worth). A retransmitted INVITE of an admitted set-up is admitted
 * again without counting twice, also once the set-up has finished: the sender retransmits until it
 * sees a response, and a 503 to a retransmission of a set-up that the far end already answered would
 * give the sender a second, contradicting final response (its dialog would then carry the 503's
 * To tag, its BYE would match no dialog, and the PF would hold that call until session-timeout).
 * A set-up whose ACK never arrives stops counting after
 * {@link #FORGET_AFTER} (64*T1, RFC 3261 Timer H). Plain Java; time is passed in (nanoseconds).
 */
public final class SetupAdmission {

    public static final Duration FORGET_AFTER = Duration.ofSeconds(32);

    /** What happens to one INVITE. */
    public enum Verdict {
        ADMITTED, RETRANSMISSION, TOO_MANY_IN_PROGRESS, RATE_EXCEEDED;

        public boolean admitted() {
            return this == ADMITTED || this == RETRANSMISSION;
        }
    }

    /**
     * @param maxInProgress most set-ups in progress at once; 0: no limit
     * @param maxRate       most initial INVITEs admitted per second; 0: no limit
     * @param retryAfter    what a refused sender is told to wait (whole seconds)
     */
    public record Limits(int maxInProgress, int maxRate, Duration retryAfter) {
        public Limits {
            if (maxInProgress < 0 || maxRate < 0) {
                throw new IllegalArgumentException("limits must be 0 (none) or positive");
            }
            if (retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative");
            }
        }

        public static final Limits NONE = new Limits(0, 0, Duration.ZERO);

        public boolean any() {
            return maxInProgress > 0 || maxRate > 0;
        }
    }

    private static final long FORGET_NANOS = FORGET_AFTER.toNanos();
    private static final long SECOND = 1_000_000_000L;

    private final Limits limits;
    private final Map<String, Long> inProgress = new ConcurrentHashMap<>();
    /** Finished set-ups, by when they finished, kept for {@link #FORGET_AFTER} to recognise retransmissions. */
    private final Map<String, Long> finished = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final Object bucketLock = new Object();
    private double tokens;
    private long refilledAt;
    private long sweptAt;
    private boolean started;

    public SetupAdmission(Limits limits) {
        this.limits = limits;
        this.tokens = limits.maxRate();
    }

    public Limits limits() {
        return limits;
    }

    /** How a set-up is named: the sender's Call-ID and From tag (shared by its INVITE, ACK and CANCEL). */
    public static String key(String callId, String fromTag) {
        return callId + ';' + fromTag;
    }

    /** Decides on an initial INVITE; {@code setup} names it (e.g. Call-ID and From tag). */
    public Verdict admit(String setup, long now) {
        forgetStale(now);
        if (inProgress.containsKey(setup) || finished.containsKey(setup)) {
            return Verdict.RETRANSMISSION;
        }
        if (limits.maxInProgress() > 0 && inProgress.size() >= limits.maxInProgress()) {
            refused.increment();
            return Verdict.TOO_MANY_IN_PROGRESS;
        }
        if (limits.maxRate() > 0 && !takeToken(now)) {
            refused.increment();
            return Verdict.RATE_EXCEEDED;
        }
        if (limits.any()) { // with a rate limit alone too: a retransmission must not take a token
            inProgress.put(setup, now);
        }
        return Verdict.ADMITTED;
    }

    /**
     * The far end answered, or the sender's ACK or CANCEL came: the set-up no longer counts, and its
     * INVITE retransmissions still pass for {@link #FORGET_AFTER} (RFC 3261 Timer B: 64*T1).
     */
    public void finished(String setup, long now) {
        if (inProgress.remove(setup) != null) {
            finished.put(setup, now);
        }
    }

    /** INVITEs refused so far. */
    public long refused() {
        return refused.sum();
    }

    public int inProgress() {
        return inProgress.size();
    }

    /** Whole seconds for the Retry-After header. */
    public long retryAfterSeconds() {
        return limits.retryAfter().toSeconds();
    }

    private boolean takeToken(long now) {
        synchronized (bucketLock) {
            if (!started) {
                started = true;
                refilledAt = now;
            }
            long elapsed = now - refilledAt;
            if (elapsed > 0) {
                tokens = Math.min(limits.maxRate(), tokens + (double) elapsed * limits.maxRate() / SECOND);
                refilledAt = now;
            }
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }

    /** At most once a second, drops set-ups older than {@link #FORGET_AFTER}. */
    private void forgetStale(long now) {
        synchronized (bucketLock) {
            if (sweptAt != 0 && now - sweptAt < SECOND) {
                return;
            }
            sweptAt = now == 0 ? 1 : now;
        }
        for (Map<String, Long> setups : List.of(inProgress, finished)) {
            for (Iterator<Long> it = setups.values().iterator(); it.hasNext(); ) {
                if (now - it.next() > FORGET_NANOS) {
                    it.remove();
                }
            }
        }
    }
}
