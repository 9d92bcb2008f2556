package org.cpmft.pf.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.StoreConfig;

/**
 * Deferred delivery triggered by third-party REGISTERs, end to end through the PF jar: time from
 * the REGISTER leaving the S-CSCF (this JVM) to the delivery INVITE arriving at the recipient
 * (SIPp UAS, {@code gettimeofday}), and whether every stored file is delivered exactly once.
 *
 * <p>Per round: {@code users} new users, each with {@code files} stored transfers (seeded through
 * the store API before the PF starts, next periodic attempt an hour away so only the REGISTER can
 * trigger them); their REGISTERs are spread evenly over {@code window}; the round ends when the
 * MSRP sink has every file of the round or after {@code max-wait}. Side by side, the same REGISTERs
 * give the PF's plain SIP transaction time (REGISTER to its 200), the baseline of the ratio.
 * After the run: DELIVERED rows in the database, completed messages and duplicates at the sink,
 * INVITEs seen by SIPp.
 *
 * <p>Run by {@code deploy/bench/deferral-register-latency.sh} and
 * {@code deploy/bench/deferral-register-storm.sh}.
 */
public final class RegisterDeliveryBenchmark {

    record Options(int users, int files, int fileSize, Duration window, int rounds, Duration maxWait, Path jar,
                   String label) {
        static Options parse(String[] args) {
            int users = 200;
            int files = 1;
            int fileSize = 4096;
            Duration window = Duration.ofSeconds(10);
            int rounds = 3;
            Duration maxWait = Duration.ofSeconds(120);
            Path jar = null;
            String label = "register-to-invite";
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--users" -> users = Integer.parseInt(args[++i]);
                    case "--files" -> files = Integer.parseInt(args[++i]);
                    case "--file-size" -> fileSize = Integer.parseInt(args[++i]);
                    case "--window" -> window = Duration.parse("PT" + args[++i].toUpperCase(Locale.ROOT));
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--max-wait" -> maxWait = Duration.parse("PT" + args[++i].toUpperCase(Locale.ROOT));
                    case "--jar" -> jar = Path.of(args[++i]);
                    case "--label" -> label = args[++i];
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--users 200 "
                            + "--files 1 --file-size 4096 --window 10s --rounds 3 --max-wait 120s --jar PF.jar)");
                }
            }
            if (jar == null || users < 1 || users > 100_000 || files < 1 || files > 100 || rounds < 1 || rounds > 10
                    || maxWait.toSeconds() > 1800) {
                throw new IllegalArgumentException("--jar is required; users 1..100000, files 1..100, rounds 1..10,"
                        + " max-wait <= 30m");
            }
            return new Options(users, files, fileSize, window, rounds, maxWait, jar, label);
        }
    }

    /** What one round measured. */
    record Round(int round, List<Long> registerToOk, List<Long> registerToInvite, int invites, int expected,
                 int delivered, long firstRegister, long lastCompletion, int unanswered, int retransmitted) {
        double deliveriesPerSecond() {
            return lastCompletion <= firstRegister ? 0 : delivered / ((lastCompletion - firstRegister) / 1e6);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        String baseUrl = env("PF_BENCH_PG_URL");
        String user = env("PF_BENCH_PG_USER");
        String password = System.getenv().getOrDefault("PF_BENCH_PG_PASSWORD", "");
        String db = "pf_bench_" + Long.toHexString(System.nanoTime());
        String url = baseUrl.substring(0, baseUrl.lastIndexOf('/') + 1) + db;
        sql(baseUrl, user, password, "CREATE DATABASE " + db);
        Path dir = Files.createTempDirectory("pf-deferral-bench-");
        System.out.printf(Locale.ROOT, "%s: %d rounds x %d users x %d files of %d octets, REGISTERs spread over %s,"
                        + " max wait %s per round; %d cores; work dir %s%n", o.label, o.rounds, o.users, o.files,
                o.fileSize, o.window, o.maxWait, Runtime.getRuntime().availableProcessors(), dir);
        try {
            run(o, url, user, password, dir);
        } finally {
            sql(baseUrl, user, password, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    private static void run(Options o, String url, String user, String password, Path dir) throws Exception {
        List<StoredTransfers.Seeded> seeded;
        long t0 = System.nanoTime();
        try (DeferredStore store = DeferredStore.open(StoreConfig.postgres(url, user, password).withPoolSize(6))) {
            seeded = StoredTransfers.seed(store, o.rounds, o.users, o.files, o.fileSize);
        }
        sql(url, user, password, "CREATE TABLE bench_commit_probe (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)");
        sql(url, user, password, "INSERT INTO bench_commit_probe VALUES (1, 0)");
        System.out.printf(Locale.ROOT, "seeded %d STORED transfers in %.1f s%n", seeded.size(),
                (System.nanoTime() - t0) / 1e9);
        Map<String, Integer> roundOfMessage = seeded.stream()
                .collect(Collectors.toMap(StoredTransfers.Seeded::messageId, StoredTransfers.Seeded::round));

        List<Round> rounds = new ArrayList<>();
        int uasPort = BenchPorts.next();
        String metrics;
        List<SippRecipients.InviteArrival> arrivals;
        Map<String, ThirdPartyRegistrar.Registration> registrations = new HashMap<>();
        try (MsrpSink sink = new MsrpSink();
             SippRecipients uas = new SippRecipients(dir, uasPort, sink.port(), seeded.size())) {
            try (PfNode pf = new PfNode(o.jar, dir, url, user, password, uasPort, Map.of())) {
                System.out.printf(Locale.ROOT, "PF pid %d up (SIP %d, MSRP %d); recipients: SIPp UAS on %d, MSRP sink on %d%n",
                        pf.pid(), pf.sipPort, pf.msrpPort, uasPort, sink.port());
                try (ThirdPartyRegistrar registrar = new ThirdPartyRegistrar(pf.sipPort)) {
                    for (int r = 1; r <= o.rounds; r++) {
                        rounds.add(round(o, r, registrar, registrations, sink, roundOfMessage, uas,
                                new CommitProbe(url, user, password)));
                    }
                    Thread.sleep(1000); // last BYEs
                }
                metrics = pf.metrics();
            }
            uas.close();
            arrivals = uas.arrivals();
            System.out.printf(Locale.ROOT, "sink: %d messages complete, %d duplicate completions, %d aborted chunks,"
                    + " %d octets%n", sink.deliveredMessages(), sink.duplicates(), sink.aborted(), sink.octets());
            report(o, rounds, arrivals, registrations, sink, seeded.size());
        }
        System.out.println("PF deferral counters: " + metrics.lines()
                .filter(l -> l.startsWith("pf_deferred_deliveries_total") || l.startsWith("pf_deferred_inflight"))
                .map(l -> l.replace("pf_deferred_", "")).collect(Collectors.joining("; ")));
        System.out.println("database: " + states(url, user, password));
    }

    private static Round round(Options o, int r, ThirdPartyRegistrar registrar,
                               Map<String, ThirdPartyRegistrar.Registration> registrations, MsrpSink sink,
                               Map<String, Integer> roundOfMessage, SippRecipients uas, CommitProbe probe)
            throws Exception {
        int expected = o.users * o.files;
        long intervalNanos = o.users == 1 ? 0 : o.window.toNanos() / o.users;
        long start = System.nanoTime();
        long firstRegister = WallClock.micros();
        for (int u = 0; u < o.users; u++) {
            long due = start + u * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String user = StoredTransfers.user(r, u);
            registrations.put(user, registrar.register(user, StoredTransfers.instance(r, u), 3600));
        }
        long deadline = System.nanoTime() + o.maxWait.toNanos();
        int delivered = 0;
        try (probe) {
            while (System.nanoTime() < deadline && uas.isAlive()) {
                delivered = deliveredIn(r, sink, roundOfMessage);
                if (delivered >= expected) {
                    break;
                }
                probe.commitOnce(); // what a commit costs on this database while the PF works
                Thread.sleep(50);
            }
        }
        delivered = deliveredIn(r, sink, roundOfMessage);
        long lastCompletion = sink.completionTimes().entrySet().stream()
                .filter(e -> roundOfMessage.getOrDefault(e.getKey(), -1) == r)
                .mapToLong(Map.Entry::getValue).max().orElse(firstRegister);
        List<Long> toOk = new ArrayList<>();
        int unanswered = 0;
        int retransmitted = 0;
        for (int u = 0; u < o.users; u++) {
            ThirdPartyRegistrar.Registration reg = registrations.get(StoredTransfers.user(r, u));
            if (reg.status == 0) {
                unanswered++;
            } else {
                toOk.add(reg.answeredAtMicros - reg.sentAtMicros);
            }
            retransmitted += reg.retransmissions > 0 ? 1 : 0;
        }
        Round result = new Round(r, toOk, new ArrayList<>(), 0, expected, delivered, firstRegister, lastCompletion,
                unanswered, retransmitted);
        System.out.printf(Locale.ROOT, "round %d: PostgreSQL single-row UPDATE + COMMIT meanwhile (from this JVM):"
                        + " p50 %.1f ms, p99 %.1f ms over %d commits%n", r, Percentiles.of(probe.micros(), 50) / 1000.0,
                Percentiles.of(probe.micros(), 99) / 1000.0, probe.micros().size());
        System.out.printf(Locale.ROOT, "round %d: %d/%d files delivered in %.1f s (%.0f deliveries/s), REGISTERs "
                        + "unanswered %d, retransmitted %d%n", r, delivered, expected,
                (lastCompletion - firstRegister) / 1e6, result.deliveriesPerSecond(), unanswered, retransmitted);
        return result;
    }

    private static int deliveredIn(int round, MsrpSink sink, Map<String, Integer> roundOfMessage) {
        int n = 0;
        for (String id : sink.completionTimes().keySet()) {
            if (roundOfMessage.getOrDefault(id, -1) == round) {
                n++;
            }
        }
        return n;
    }

    private static void report(Options o, List<Round> rounds, List<SippRecipients.InviteArrival> arrivals,
                               Map<String, ThirdPartyRegistrar.Registration> registrations, MsrpSink sink,
                               int seeded) {
        Map<Integer, List<Long>> latencyByRound = new LinkedHashMap<>();
        Map<Integer, Integer> invitesByRound = new HashMap<>();
        for (SippRecipients.InviteArrival a : arrivals) {
            String user = "sip:" + a.user() + "@bench.example";
            ThirdPartyRegistrar.Registration reg = registrations.get(user);
            if (reg == null) {
                continue;
            }
            int r = Integer.parseInt(a.user().substring(1, a.user().indexOf('u')));
            latencyByRound.computeIfAbsent(r, k -> new ArrayList<>()).add(a.atMicros() - reg.sentAtMicros);
            invitesByRound.merge(r, 1, Integer::sum);
        }
        System.out.println();
        System.out.println("| round | files | INVITEs | delivered | REGISTER->200 p50 / p99 ms | REGISTER->INVITE p50 / p99 / max ms"
                + " | INVITE p50 / 200 p50 | deliveries/s |");
        System.out.println("|---|---:|---:|---:|---|---|---:|---:|");
        List<Double> p50s = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (Round r : rounds) {
            List<Long> lat = latencyByRound.getOrDefault(r.round(), List.of());
            double okP50 = Percentiles.of(r.registerToOk(), 50) / 1000.0;
            double okP99 = Percentiles.of(r.registerToOk(), 99) / 1000.0;
            double p50 = Percentiles.of(lat, 50) / 1000.0;
            double p99 = Percentiles.of(lat, 99) / 1000.0;
            double max = Percentiles.of(lat, 100) / 1000.0;
            p50s.add(p50);
            p99s.add(p99);
            ratios.add(p50 / okP50);
            rates.add(r.deliveriesPerSecond());
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %.1f / %.1f | %.1f / %.1f / %.1f | %.1f | %.0f |%n",
                    r.round(), r.expected(), invitesByRound.getOrDefault(r.round(), 0), r.delivered(), okP50, okP99,
                    p50, p99, max, p50 / okP50, r.deliveriesPerSecond());
        }
        System.out.printf(Locale.ROOT, "medians over rounds: REGISTER->INVITE p50 %.1f ms, p99 %.1f ms; INVITE/200 ratio"
                        + " %.1f; %.0f deliveries/s%n", Percentiles.median(p50s), Percentiles.median(p99s),
                Percentiles.median(ratios), Percentiles.median(rates));
        int invites = arrivals.size();
        int delivered = sink.deliveredMessages();
        System.out.printf(Locale.ROOT, "totals: %d stored, %d INVITEs at the recipients, %d delivered whole, %d lost"
                        + " (not delivered), %d duplicate deliveries%n", seeded, invites, delivered, seeded - delivered,
                sink.duplicates());
        Set<String> users = registrations.keySet();
        if (users.size() != o.users * o.rounds) {
            System.out.println("warning: " + users.size() + " registrations recorded");
        }
    }

    private static String states(String url, String user, String password) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT state, count(*), sum(attempts) FROM deferred_transfer"
                     + " GROUP BY state ORDER BY state")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('=').append(rs.getLong(2)).append(" (attempts ")
                        .append(rs.getLong(3)).append(") ");
            }
        }
        return out.toString().trim();
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set: run deploy/bench/deferral-register-*.sh");
        }
        return v;
    }

    private static void sql(String url, String user, String password, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
