package org.cpmft.pf.media;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that write deferred files into the store ({@link StoreDeferralSink}), and how they
 * ride out a store outage: a store call that fails because the database is unreachable is tried
 * again for up to {@link #outageGrace()} (the sender's 200s wait meanwhile, nothing is
 * acknowledged before it is durable, RFC 4975 section 7.3); while any is waiting the node is not
 * ready ({@link #waitingForStore()}).
 */
public final class StoreWorker implements Executor, AutoCloseable {

    private final ExecutorService threads;
    private final Duration outageGrace;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile String lastError = "";

    public StoreWorker(int threads, Duration outageGrace) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        if (outageGrace.isNegative()) {
            throw new IllegalArgumentException("outageGrace must not be negative: " + outageGrace);
        }
        this.outageGrace = outageGrace;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "pf-store-writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void execute(Runnable command) {
        threads.execute(command);
    }

    /** How long a store call is retried while the database is unreachable before the transfer fails. */
    public Duration outageGrace() {
        return outageGrace;
    }

    /** Sinks retrying a store call now because the database is unreachable. */
    public int waitingForStore() {
        return waiting.get();
    }

    /** The error of the latest outage, for the health detail. */
    public String lastError() {
        return lastError;
    }

    void outageBegan(Throwable error) {
        lastError = String.valueOf(rootMessage(error));
        waiting.incrementAndGet();
    }

    void outageEnded() {
        waiting.decrementAndGet();
    }

    /**
     * Whether {@code e} says the database could not be reached or the connection went (SQLState class
     * 08, PostgreSQL's 57P01-57P03 of a server shutting down or starting, a pool timeout), i.e. the same
     * call may succeed later; not a refusal of the data or a state the store forbids.
     */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = Objects.requireNonNull(e);
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    @Override
    public void close() {
        threads.shutdown();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
