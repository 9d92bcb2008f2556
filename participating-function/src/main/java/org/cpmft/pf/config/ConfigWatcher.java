package org.cpmft.pf.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the config file when its content changes and hands the reloadable part (policy,
 * retry) to a listener, which swaps it in. The file is polled by content digest rather than
 * watched with inotify, because a Kubernetes ConfigMap update replaces a symlink two levels up
 * and a watch on the file's directory never sees it. An invalid new file is reported and the
 * current configuration stays in force.
 */
public final class ConfigWatcher implements AutoCloseable {

    /** Receives each successfully reloaded configuration. Called on the watcher thread. */
    public interface Listener {
        /**
         * @param config       the configuration to use from now on
         * @param changedKeys  the keys whose values changed, reloadable or not
         */
        void reloaded(PfConfig config, List<String> changedKeys);

        /** The file changed but is invalid; the configuration in force is kept. */
        default void rejected(ConfigException problem) {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final Map<String, String> env;
    private final Listener listener;
    private final ScheduledExecutorService poller;
    private volatile PfConfig current;
    private byte[] lastDigest;

    private ConfigWatcher(Path file, Map<String, String> env, PfConfig initial, Listener listener) {
        this.file = Objects.requireNonNull(file, "file");
        this.env = Map.copyOf(env);
        this.current = Objects.requireNonNull(initial, "initial");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.lastDigest = digest();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pf-config-watcher");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts polling {@code file} every {@code interval}.
     *
     * @param initial the configuration in force, as loaded from {@code file} and {@code env}
     */
    public static ConfigWatcher start(Path file, Map<String, String> env, PfConfig initial, Duration interval,
            Listener listener) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        ConfigWatcher watcher = new ConfigWatcher(file, env, initial, listener);
        long millis = interval.toMillis();
        watcher.poller.scheduleWithFixedDelay(watcher::poll, millis, millis, TimeUnit.MILLISECONDS);
        return watcher;
    }

    /** The configuration in force. */
    public PfConfig current() {
        return current;
    }

    /**
     * Reloads now (e.g. on an operator command), whether or not the file changed, and tells
     * the listener.
     *
     * @return the new configuration in force
     * @throws ConfigException when the file is invalid; the configuration in force is kept
     */
    public synchronized PfConfig reload() {
        lastDigest = digest();
        PfConfig before = current;
        PfConfig loaded = ConfigLoader.load(file, env);
        List<String> changed = before.changedKeys(loaded);
        PfConfig next = ConfigLoader.applyReloadable(before, loaded, file);
        current = next;
        listener.reloaded(next, changed);
        return next;
    }

    private synchronized void poll() {
        try {
            byte[] now = digest();
            if (now == null || Arrays.equals(now, lastDigest)) {
                return; // unchanged, or missing for a moment while being replaced
            }
            try {
                reload(); // records the new digest first, so a bad file is reported once
            } catch (ConfigException e) {
                LOG.error("Configuration {} not reloaded: {}", file, e.getMessage());
                listener.rejected(e);
            }
        } catch (RuntimeException e) {
            LOG.error("Configuration watcher failed on {}", file, e);
        }
    }

    private byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
