package org.cpmft.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import org.cpmft.store.content.ContentChunk;
import org.cpmft.store.content.ContentStore;
import org.cpmft.store.db.Transactions;
import org.cpmft.store.notification.DeferredNotification;
import org.cpmft.store.notification.NotificationRepository;
import org.cpmft.store.registration.RegistrationBinding;
import org.cpmft.store.registration.RegistrationRepository;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.TransferRepository;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deferred store of one PF node: a connection pool, the schema brought up to date by Flyway,
 * and a Hibernate SessionFactory built in code.
 *
 * <pre>
 * try (DeferredStore store = DeferredStore.open(StoreConfig.embedded(dataDir))) {
 *     store.transfers().create(transfer);
 *     try (ContentWriter w = store.content().openWriter(transfer.id(), 0)) { ... }
 * }
 * </pre>
 * Thread-safe; open one per process and share it.
 */
public final class DeferredStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeferredStore.class);
    /** Same SQL for H2 and PostgreSQL. */
    public static final String MIGRATIONS = "classpath:db/migration";
    /**
     * PostgreSQL-only migrations (storage tuning H2 has no syntax for), versioned in the same
     * sequence as {@link #MIGRATIONS}: a version lives in one of the two, never both.
     */
    public static final String POSTGRESQL_MIGRATIONS = "classpath:db/postgresql";

    private final StoreConfig config;
    private final HikariDataSource dataSource;
    private final SessionFactory sessionFactory;
    private final TransferRepository transfers;
    private final ContentStore content;
    private final NotificationRepository notifications;
    private final RegistrationRepository registrations;

    private DeferredStore(StoreConfig config, HikariDataSource dataSource, SessionFactory sessionFactory, Clock clock) {
        this.config = config;
        this.dataSource = dataSource;
        this.sessionFactory = sessionFactory;
        Transactions tx = new Transactions(sessionFactory, clock);
        this.transfers = new TransferRepository(tx);
        this.content = new ContentStore(tx, config.chunkSize());
        this.notifications = new NotificationRepository(tx);
        this.registrations = new RegistrationRepository(tx);
    }

    public static DeferredStore open(StoreConfig config) {
        return open(config, Clock.systemUTC());
    }

    /**
     * Opens the pool, migrates the schema and checks the entities against it.
     *
     * @param clock source of now for leases, schedules and timestamps. Nodes sharing a
     *              database must keep their clocks in sync (NTP) to well under a lease time.
     */
    public static DeferredStore open(StoreConfig config, Clock clock) {
        HikariDataSource dataSource = null;
        try {
            dataSource = dataSource(config);
            migrate(dataSource, config.isPostgres());
            SessionFactory sessionFactory = sessionFactory(dataSource);
            LOG.info("deferred store open: {}", config);
            return new DeferredStore(config, dataSource, sessionFactory, clock);
        } catch (RuntimeException e) {
            if (dataSource != null) {
                dataSource.close();
            }
            throw new StoreException("cannot open deferred store " + config + ": " + e.getMessage(), e);
        }
    }

    private static HikariDataSource dataSource(StoreConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("pf-store");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(1);
        hikari.setAutoCommit(false);
        hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        hikari.setConnectionTimeout(10_000);
        return new HikariDataSource(hikari);
    }

    private static void migrate(HikariDataSource dataSource, boolean postgres) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations(postgres ? new String[] {MIGRATIONS, POSTGRESQL_MIGRATIONS} : new String[] {MIGRATIONS})
                .failOnMissingLocations(true)
                .validateMigrationNaming(true)
                .load()
                .migrate();
    }

    private static SessionFactory sessionFactory(HikariDataSource dataSource) {
        Configuration cfg = new Configuration()
                .addAnnotatedClass(DeferredTransfer.class)
                .addAnnotatedClass(ContentChunk.class)
                .addAnnotatedClass(DeferredNotification.class)
                .addAnnotatedClass(RegistrationBinding.class);
        cfg.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource);
        // Flyway owns the schema; Hibernate only checks that the entities match it.
        cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "validate");
        cfg.setProperty(AvailableSettings.JDBC_TIME_ZONE, "UTC");
        cfg.setProperty(AvailableSettings.STATEMENT_BATCH_SIZE, "32");
        cfg.setProperty(AvailableSettings.ORDER_UPDATES, "true");
        cfg.setProperty(AvailableSettings.SHOW_SQL, "false");
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySettings(cfg.getProperties())
                .build();
        try {
            return cfg.buildSessionFactory(registry);
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw e;
        }
    }

    public TransferRepository transfers() {
        return transfers;
    }

    public ContentStore content() {
        return content;
    }

    public NotificationRepository notifications() {
        return notifications;
    }

    /** Registration state of users from third-party REGISTERs, shared by the nodes. */
    public RegistrationRepository registrations() {
        return registrations;
    }

    public StoreConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            sessionFactory.close();
        } finally {
            dataSource.close();
            LOG.info("deferred store closed");
        }
    }
}
