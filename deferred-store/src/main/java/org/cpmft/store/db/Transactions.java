package org.cpmft.store.db;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cpmft.store.StoreException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;

/**
 * Runs units of work in their own short transaction. Internal to the store: other modules go
 * through the repositories.
 */
public final class Transactions {
    private final SessionFactory sessionFactory;
    private final Clock clock;

    public Transactions(SessionFactory sessionFactory, Clock clock) {
        this.sessionFactory = sessionFactory;
        this.clock = clock;
    }

    /**
     * The store's notion of now, cut to microseconds because both databases keep timestamps at
     * that precision: what is written reads back equal.
     */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    public <T> T inSession(Function<Session, T> work) {
        try (Session session = sessionFactory.openSession()) {
            Transaction tx = session.beginTransaction();
            try {
                T result = work.apply(session);
                tx.commit();
                return result;
            } catch (RuntimeException | Error e) {
                rollbackQuietly(tx, e);
                throw e;
            }
        }
    }

    public void runInSession(Consumer<Session> work) {
        inSession(s -> {
            work.accept(s);
            return null;
        });
    }

    /** For bulk and content work that must not fill a persistence context. */
    public <T> T inStatelessSession(Function<StatelessSession, T> work) {
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            Transaction tx = session.beginTransaction();
            try {
                T result = work.apply(session);
                tx.commit();
                return result;
            } catch (RuntimeException | Error e) {
                rollbackQuietly(tx, e);
                throw e;
            }
        }
    }

    private static void rollbackQuietly(Transaction tx, Throwable cause) {
        try {
            if (tx.isActive()) {
                tx.rollback();
            }
        } catch (RuntimeException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    public static StoreException wrap(String what, RuntimeException e) {
        return e instanceof StoreException se ? se : new StoreException(what + ": " + e.getMessage(), e);
    }
}
