package org.cpmft.store.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.cpmft.store.StoreException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.Transaction;

/**
 * Runs units of work in their own short transaction. Internal to the store: other modules go
 * through the repositories.
 */
public final class Transactions {
    private final SessionFactory sessionFactory;
    /** The pool behind the session factory, for plain JDBC on the content hot path. */
    private final ConnectionProvider connections;
    private final Clock clock;

    public Transactions(SessionFactory sessionFactory, Clock clock) {
        this.sessionFactory = sessionFactory;
        this.connections = sessionFactory.unwrap(SessionFactoryImplementor.class).getServiceRegistry()
                .requireService(ConnectionProvider.class);
        this.clock = clock;
    }

    /** JDBC work in one transaction of its own (the pool hands out connections with auto-commit off). */
    @FunctionalInterface
    public interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
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

    /**
     * Plain JDBC in one short transaction, for the content hot path (one row per statement,
     * no entity or session bookkeeping). SQLExceptions surface as {@link StoreException}.
     */
    public <T> T inConnection(SqlWork<T> work) {
        Connection c = null;
        try {
            c = connections.getConnection();
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        } finally {
            if (c != null) {
                try {
                    connections.closeConnection(c);
                } catch (SQLException e) {
                    // returned to the pool broken: the pool drops it
                }
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
