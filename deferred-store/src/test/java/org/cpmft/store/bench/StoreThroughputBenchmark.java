package org.cpmft.store.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.StoreConfig;
import org.cpmft.store.content.ContentReader;
import org.cpmft.store.content.ContentWriter;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.FileDescription;

/**
 * Write and read throughput of one large file through the deferred store's real path
 * ({@link ContentWriter} / {@link ContentReader}) beside a plain sequential file write (fsync at
 * the end) and read of the same octets on the same disk, in one run, rounds interleaved.
 *
 * <p>Variants: PostgreSQL with chunk sizes, column storage EXTERNAL (what migration V2 sets: no pglz
 * attempt on every chunk) and, with {@code --storage EXTERNAL,EXTENDED}, PostgreSQL's default for
 * comparison; H2 for information with {@code --h2}. With {@code --flush-every N} the store flushes
 * after every N octets as the relay does before acknowledging each SEND chunk, and a second plain
 * file is fsynced at the same cadence: the disk's own limit for that many durable points. Each round
 * writes then reads the file once per variant; the order of variants rotates every round. Printed:
 * MiB/s per round, medians, and the median of the per-round ratios store / plain file (fsync at the
 * end only).
 *
 * <p>Run with {@code deploy/bench/store-throughput.sh}. PostgreSQL comes from
 * {@code PF_BENCH_PG_URL}, {@code PF_BENCH_PG_USER}, {@code PF_BENCH_PG_PASSWORD}.
 */
public final class StoreThroughputBenchmark {
    private static final int MIB = 1024 * 1024;

    private final Options options;
    /** Random octets (incompressible, like the usually compressed files people send), cycled. */
    private final byte[] pattern;

    private StoreThroughputBenchmark(Options options) {
        this.options = options;
        this.pattern = new byte[16 * MIB + 4093]; // odd length: pieces do not align with chunks
        new SplittableRandom(4975).nextBytes(pattern);
    }

    /**
     * @param flushEvery 0: commits only when a chunk fills (the best case); else {@link ContentWriter#flush()}
     *                   after every that many octets, as the relay does before answering each SEND chunk
     *                   of the sender (RFC 4975 section 7.3: a 200 only for durable octets)
     */
    record Options(long size, int rounds, int writeSize, List<Integer> chunkSizes, boolean h2, List<String> storages,
                   Path dir, int flushEvery, boolean pgFloor) {
        static Options parse(String[] args) {
            long size = 1024L * MIB;
            int rounds = 3;
            int writeSize = 64 * 1024;
            List<Integer> chunks = List.of(256 * 1024, MIB);
            boolean h2 = false;
            boolean pgFloor = false;
            List<String> storages = List.of("EXTERNAL");
            Path dir = Path.of(System.getProperty("java.io.tmpdir"));
            int flushEvery = 0;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--size" -> size = parseSize(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--write-size" -> writeSize = (int) parseSize(args[++i]);
                    case "--chunks" -> chunks = Arrays.stream(args[++i].split(",")).map(s -> (int) parseSize(s)).toList();
                    case "--h2" -> h2 = true;
                    case "--storage" -> storages = Arrays.stream(args[++i].split(","))
                            .map(x -> x.trim().toUpperCase(Locale.ROOT)).toList();
                    case "--dir" -> dir = Path.of(args[++i]);
                    case "--flush-every" -> flushEvery = (int) parseSize(args[++i]);
                    case "--pg-floor" -> pgFloor = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (--size 1GiB --rounds 3 --write-size 64KiB --chunks 256KiB,1MiB --h2 --storage EXTERNAL,EXTENDED"
                            + " --dir /tmp --flush-every 64KiB)");
                }
            }
            if (rounds < 1 || rounds > 20 || size < MIB || size > 16L * 1024 * MIB) {
                throw new IllegalArgumentException("rounds 1..20, size 1 MiB..16 GiB");
            }
            if (flushEvery < 0 || (flushEvery > 0 && flushEvery % writeSize != 0)) {
                throw new IllegalArgumentException("--flush-every must be a multiple of --write-size");
            }
            if (!List.of("EXTERNAL", "EXTENDED", "MAIN").containsAll(storages)) {
                throw new IllegalArgumentException("--storage takes EXTERNAL (the V2 migration's), EXTENDED, MAIN");
            }
            return new Options(size, rounds, writeSize, chunks, h2, storages, dir, flushEvery, pgFloor);
        }

        static long parseSize(String s) {
            String t = s.trim();
            long unit = 1;
            for (String[] u : new String[][] {{"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"}}) {
                if (t.endsWith(u[0])) {
                    unit = Long.parseLong(u[1]);
                    t = t.substring(0, t.length() - u[0].length());
                    break;
                }
            }
            return Long.parseLong(t.trim()) * unit;
        }
    }

    /** One way of keeping the file: a name, and timed write/read of the whole file. */
    private interface Variant extends AutoCloseable {
        String name();

        /** Writes the whole file; returns nanoseconds until it is durable. */
        long write() throws Exception;

        /** Reads the whole file back, checking every octet; returns nanoseconds. */
        long read() throws Exception;

        /** Removes the file (not timed). */
        void remove() throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        new StoreThroughputBenchmark(options).run();
    }

    private void run() throws Exception {
        long free = Files.getFileStore(options.dir).getUsableSpace();
        if (free < options.size * 4) {
            throw new IllegalStateException("need about " + options.size * 4 / MIB + " MiB free in " + options.dir
                    + ", have " + free / MIB + " MiB");
        }
        List<Variant> variants = new ArrayList<>();
        variants.add(new PlainFile(options.dir.resolve("store-bench-plain-" + ProcessHandle.current().pid() + ".bin"),
                0));
        if (options.flushEvery > 0) {
            // The disk's own limit for the same cadence: fsync after every flushEvery octets.
            variants.add(new PlainFile(options.dir.resolve("store-bench-plain-sync-" + ProcessHandle.current().pid()
                    + ".bin"), options.flushEvery));
        }
        String url = System.getenv("PF_BENCH_PG_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("PF_BENCH_PG_URL is not set: run deploy/bench/store-throughput.sh");
        }
        List<String> schemas = new ArrayList<>();
        Path h2Dir = null;
        try {
            for (String storage : options.storages) {
                String schema = "bench_" + storage.toLowerCase(Locale.ROOT) + "_" + Long.toHexString(System.nanoTime());
                sql(url, "CREATE SCHEMA " + schema);
                schemas.add(schema);
                String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
                StoreConfig base = new StoreConfig(schemaUrl, user(), password(), 4, StoreConfig.DEFAULT_CHUNK_SIZE);
                DeferredStore.open(base).close(); // migrate
                if (!storage.equals("EXTERNAL")) {
                    // the migration V2 sets EXTERNAL (no pglz on content that is compressed already); compare
                    sql(schemaUrl, "ALTER TABLE transfer_content_chunk ALTER COLUMN data SET STORAGE " + storage);
                }
                for (int chunk : options.chunkSizes) {
                    variants.add(new StoreVariant("pg " + kib(chunk) + " " + storage, base.withChunkSize(chunk),
                            schemaUrl));
                }
            }
            if (options.pgFloor) {
                String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schemas.get(0);
                variants.add(new PgCopyFloor(new StoreConfig(schemaUrl, user(), password(), 4,
                        options.chunkSizes.get(options.chunkSizes.size() - 1)), schemaUrl));
            }
            if (options.h2) {
                h2Dir = Files.createTempDirectory(options.dir, "store-bench-h2-");
                for (int chunk : options.chunkSizes) {
                    variants.add(new StoreVariant("h2 " + kib(chunk),
                            StoreConfig.embedded(h2Dir.resolve(kib(chunk).replace(" ", ""))).withChunkSize(chunk), null));
                }
            }
            System.out.printf(Locale.ROOT, "store throughput: file %d MiB, writes of %d KiB, %s, %d rounds, %d cores, "
                            + "java %s, dir %s%n", options.size / MIB, options.writeSize / 1024,
                    options.flushEvery == 0 ? "commit per full chunk" : "flush every " + kib(options.flushEvery),
                    options.rounds,
                    Runtime.getRuntime().availableProcessors(), Runtime.version(), options.dir);
            System.out.println("PostgreSQL: " + describePg(url));
            measure(variants);
        } finally {
            for (Variant v : variants) {
                try {
                    v.close();
                } catch (Exception e) {
                    System.err.println("closing " + v.name() + ": " + e);
                }
            }
            for (String schema : schemas) {
                sql(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
            if (h2Dir != null) {
                try (var files = Files.walk(h2Dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private void measure(List<Variant> variants) throws Exception {
        Map<String, List<Double>> writes = new LinkedHashMap<>();
        Map<String, List<Double>> reads = new LinkedHashMap<>();
        Map<String, List<Double>> writeRatios = new LinkedHashMap<>();
        Map<String, List<Double>> readRatios = new LinkedHashMap<>();
        for (Variant v : variants) {
            writes.put(v.name(), new ArrayList<>());
            reads.put(v.name(), new ArrayList<>());
            writeRatios.put(v.name(), new ArrayList<>());
            readRatios.put(v.name(), new ArrayList<>());
        }
        for (int round = 1; round <= options.rounds; round++) {
            Map<String, double[]> thisRound = new LinkedHashMap<>();
            for (int i = 0; i < variants.size(); i++) {
                Variant v = variants.get((i + round - 1) % variants.size()); // rotate the order
                long w = v.write();
                long r = v.read();
                v.remove();
                double wm = mibPerSecond(w);
                double rm = mibPerSecond(r);
                thisRound.put(v.name(), new double[] {wm, rm});
                writes.get(v.name()).add(wm);
                reads.get(v.name()).add(rm);
                System.out.printf(Locale.ROOT, "round %d  %-22s write %8.1f MiB/s  read %8.1f MiB/s%n", round,
                        v.name(), wm, rm);
            }
            double[] plain = thisRound.get(variants.get(0).name());
            thisRound.forEach((name, f) -> {
                writeRatios.get(name).add(f[0] / plain[0]);
                readRatios.get(name).add(f[1] / plain[1]);
            });
        }
        System.out.println();
        System.out.println("| variant | write MiB/s (median) | read MiB/s (median) | write / plain file | read / plain file |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Variant v : variants) {
            String n = v.name();
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.2f |%n", n, median(writes.get(n)),
                    median(reads.get(n)), median(writeRatios.get(n)), median(readRatios.get(n)));
        }
        System.out.println("(ratios: median over rounds of store / plain file measured in the same round)");
    }

    private double mibPerSecond(long nanos) {
        return options.size / (double) MIB / (nanos / 1e9);
    }

    static double median(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static String kib(int bytes) {
        return bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes / 1024 + " KiB";
    }

    // ---- the octets: file offset -> pattern, written and checked piece by piece ----

    private void fill(byte[] piece, long offset, int n) {
        int from = (int) (offset % pattern.length);
        int done = 0;
        while (done < n) {
            int k = Math.min(n - done, pattern.length - from);
            System.arraycopy(pattern, from, piece, done, k);
            done += k;
            from = 0;
        }
    }

    private void check(byte[] got, long offset, int n) throws IOException {
        int from = (int) (offset % pattern.length);
        int done = 0;
        while (done < n) {
            int k = Math.min(n - done, pattern.length - from);
            if (Arrays.mismatch(got, done, done + k, pattern, from, from + k) >= 0) {
                throw new IOException("content differs near file offset " + (offset + done));
            }
            done += k;
            from = 0;
        }
    }

    /** Reads a whole stream in pieces of the write size, checking every octet; returns octets read. */
    private long readAndCheck(InputStream in) throws IOException {
        byte[] buf = new byte[options.writeSize];
        long offset = 0;
        for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
            check(buf, offset, n);
            offset += n;
        }
        return offset;
    }

    // ---- variants ----

    private final class PlainFile implements Variant {
        private final Path file;
        /** 0: fsync once at the end; else also after every that many octets. */
        private final int syncEvery;

        PlainFile(Path file, int syncEvery) {
            this.file = file;
            this.syncEvery = syncEvery;
        }

        @Override
        public String name() {
            return syncEvery == 0 ? "plain file" : "plain file sync/" + kib(syncEvery);
        }

        @Override
        public long write() throws IOException {
            byte[] piece = new byte[options.writeSize];
            long start = System.nanoTime();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long off = 0; off < options.size; ) {
                    int n = (int) Math.min(piece.length, options.size - off);
                    fill(piece, off, n);
                    ByteBuffer b = ByteBuffer.wrap(piece, 0, n);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    off += n;
                    if (syncEvery > 0 && off % syncEvery == 0) {
                        ch.force(false);
                    }
                }
                ch.force(true);
            }
            return System.nanoTime() - start;
        }

        @Override
        public long read() throws IOException {
            long start = System.nanoTime();
            long n;
            try (InputStream in = Files.newInputStream(file)) {
                n = readAndCheck(in);
            }
            long t = System.nanoTime() - start;
            expect(n);
            return t;
        }

        @Override
        public void remove() throws IOException {
            Files.deleteIfExists(file);
        }
    }

    private final class StoreVariant implements Variant {
        private final String name;
        private final DeferredStore store;
        private final String schemaUrl;
        private UUID current;

        StoreVariant(String name, StoreConfig config, String schemaUrl) {
            this.name = name;
            this.store = DeferredStore.open(config);
            this.schemaUrl = schemaUrl;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long write() {
            byte[] piece = new byte[options.writeSize];
            Instant now = Instant.now();
            long start = System.nanoTime();
            // The record is part of the path the relay takes too (intake creates it, then writes).
            DeferredTransfer t = store.transfers().create(DeferredTransfer.receiving(UUID.randomUUID(),
                    "sip:alice@bench.example", "sip:bob@bench.example",
                    new FileDescription("big.bin", "application/octet-stream", options.size, null),
                    now.plus(Duration.ofHours(1)), now.plus(Duration.ofDays(7))));
            current = t.id();
            try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
                for (long off = 0; off < options.size; ) {
                    int n = (int) Math.min(piece.length, options.size - off);
                    fill(piece, off, n);
                    w.write(piece, 0, n);
                    off += n;
                    if (options.flushEvery > 0 && off % options.flushEvery == 0) {
                        w.flush();
                    }
                }
                w.finish();
            }
            return System.nanoTime() - start;
        }

        @Override
        public long read() throws IOException {
            long start = System.nanoTime();
            long n;
            try (ContentReader in = store.content().openReader(current, 0)) {
                n = readAndCheck(in);
            }
            long t = System.nanoTime() - start;
            expect(n);
            return t;
        }

        @Override
        public void remove() throws SQLException {
            store.transfers().purge(current);
            if (schemaUrl != null) {
                // Not timed: the next round starts without a table full of dead rows.
                sql(schemaUrl, "VACUUM transfer_content_chunk", "VACUUM deferred_transfer", "CHECKPOINT");
            }
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /**
     * PostgreSQL's own ceiling for the same octets in the same table, without the store: rows of
     * the largest chunk size streamed in by one {@code COPY ... FROM STDIN (FORMAT binary)} and one
     * commit (one WAL fsync, as the plain file's one fsync), and out by one {@code COPY ... TO
     * STDOUT (FORMAT binary)} whose octets are counted, not checked. Not a way to store
     * (no durable point before the end); a bound on what any code on PostgreSQL can reach here.
     */
    private final class PgCopyFloor implements Variant {
        private final StoreVariant records;
        private final String schemaUrl;
        private final int chunk;

        PgCopyFloor(StoreConfig config, String schemaUrl) {
            this.records = new StoreVariant("records", config, null);
            this.schemaUrl = schemaUrl;
            this.chunk = config.chunkSize();
        }

        @Override
        public String name() {
            return "pg COPY floor " + kib(chunk);
        }

        @Override
        public long write() throws Exception {
            byte[] piece = new byte[chunk];
            Instant now = Instant.now();
            long start = System.nanoTime();
            DeferredTransfer t = records.store.transfers().create(DeferredTransfer.receiving(UUID.randomUUID(),
                    "sip:alice@bench.example", "sip:bob@bench.example",
                    new FileDescription("big.bin", "application/octet-stream", options.size, null),
                    now.plus(Duration.ofHours(1)), now.plus(Duration.ofDays(7))));
            records.current = t.id();
            try (Connection c = DriverManager.getConnection(schemaUrl, user(), password())) {
                c.setAutoCommit(false);
                var copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(
                        "COPY transfer_content_chunk (transfer_id, chunk_offset, chunk_size, data) FROM STDIN"
                                + " (FORMAT binary)");
                ByteBuffer head = ByteBuffer.allocate(64);
                head.put("PGCOPY\n\377\r\n\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).putInt(0).putInt(0);
                copy.writeToCopy(head.array(), 0, head.position());
                for (long off = 0; off < options.size; ) {
                    int n = (int) Math.min(chunk, options.size - off);
                    fill(piece, off, n);
                    head.clear();
                    head.putShort((short) 4).putInt(16).putLong(t.id().getMostSignificantBits())
                            .putLong(t.id().getLeastSignificantBits()).putInt(8).putLong(off).putInt(4).putInt(n)
                            .putInt(n);
                    copy.writeToCopy(head.array(), 0, head.position());
                    copy.writeToCopy(piece, 0, n);
                    off += n;
                }
                head.clear();
                head.putShort((short) -1);
                copy.writeToCopy(head.array(), 0, head.position());
                copy.endCopy();
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("UPDATE deferred_transfer SET bytes_stored = " + options.size
                            + ", state = 'STORED' WHERE id = '" + t.id() + "'");
                }
                c.commit();
            }
            return System.nanoTime() - start;
        }

        @Override
        public long read() throws Exception {
            long start = System.nanoTime();
            long[] count = {0};
            try (Connection c = DriverManager.getConnection(schemaUrl, user(), password())) {
                c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyOut(
                        "COPY (SELECT data FROM transfer_content_chunk WHERE transfer_id = '" + records.current
                                + "' ORDER BY chunk_offset) TO STDOUT (FORMAT binary)", new java.io.OutputStream() {
                            @Override
                            public void write(int b) {
                                count[0]++;
                            }

                            @Override
                            public void write(byte[] b, int off, int len) {
                                count[0] += len;
                            }
                        });
            }
            long t = System.nanoTime() - start;
            if (count[0] < options.size) {
                throw new IOException("COPY out gave " + count[0] + " octets, wrote " + options.size);
            }
            return t;
        }

        @Override
        public void remove() throws SQLException {
            records.remove();
            sql(schemaUrl, "VACUUM transfer_content_chunk", "VACUUM deferred_transfer", "CHECKPOINT");
        }

        @Override
        public void close() {
            records.close();
        }
    }

    private void expect(long n) throws IOException {
        if (n != options.size) {
            throw new IOException("read " + n + " octets, wrote " + options.size);
        }
    }

    // ---- PostgreSQL helpers ----

    private static String user() {
        return System.getenv().getOrDefault("PF_BENCH_PG_USER", "postgres");
    }

    private static String password() {
        return System.getenv().getOrDefault("PF_BENCH_PG_PASSWORD", "");
    }

    private static void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user(), password()); Statement st = c.createStatement()) {
            for (String s : statements) {
                try {
                    st.execute(s);
                } catch (SQLException e) {
                    if (!s.equals("CHECKPOINT")) { // needs pg_checkpoint (or superuser): optional
                        throw e;
                    }
                }
            }
        }
    }

    private static String describePg(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user(), password()); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'),"
                     + " current_setting('shared_buffers'), current_setting('max_wal_size'),"
                     + " current_setting('full_page_writes')")) {
            rs.next();
            return rs.getString(1).split(" on ")[0] + ", fsync=" + rs.getString(2) + ", synchronous_commit="
                    + rs.getString(3) + ", shared_buffers=" + rs.getString(4) + ", max_wal_size=" + rs.getString(5)
                    + ", full_page_writes=" + rs.getString(6);
        }
    }
}
