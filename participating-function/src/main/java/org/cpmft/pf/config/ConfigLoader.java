package org.cpmft.pf.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.cpmft.pf.cpm.group.WildcardedPsi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the configuration from one YAML file and the environment. For every key the value comes
 * from, in order of precedence: the environment variable {@code PF_<SECTION>_<KEY>}, the file,
 * the embedded default. Unknown sections, keys and {@code PF_<SECTION>_*} variables are errors,
 * so a typing mistake cannot silently leave a default in place.
 */
public final class ConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // YAML 1.1 reads yes/no/on/off as booleans (the "Norway problem"); keep them text.
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
            .build();

    private ConfigLoader() {
    }

    /**
     * Loads and validates the configuration.
     *
     * @param fileOrNull the YAML file, or {@code null} for defaults and environment only
     * @param env        the environment, normally {@code System.getenv()}
     * @throws ConfigException naming the key and the problem in one line
     */
    public static PfConfig load(Path fileOrNull, Map<String, String> env) {
        Map<String, Raw> raw = new HashMap<>();
        if (fileOrNull != null) {
            readFile(fileOrNull, raw);
        }
        readEnv(env, raw);
        return build(new Values(raw));
    }

    /**
     * Reads the file again and returns {@code current} with the reloadable sections (policy,
     * retry) replaced. Changes to other keys are logged and left for the next restart.
     *
     * @throws ConfigException when the file is now invalid; {@code current} stays in force
     */
    public static PfConfig reload(PfConfig current, Path file, Map<String, String> env) {
        return applyReloadable(current, load(file, env), file);
    }

    static PfConfig applyReloadable(PfConfig current, PfConfig next, Path file) {
        List<String> changed = current.changedKeys(next);
        List<String> needRestart = changed.stream()
                .filter(k -> !k.startsWith("policy.") && !k.startsWith("retry."))
                .toList();
        if (!needRestart.isEmpty()) {
            LOG.warn("Configuration {} changed {}; these take effect only after a restart", file, needRestart);
        }
        if (changed.size() > needRestart.size()) {
            LOG.info("Configuration {} reloaded; changed {}", file,
                    changed.stream().filter(k -> !needRestart.contains(k)).toList());
        }
        return current.withReloadable(next);
    }

    /** Every key with its environment variable, default and meaning, in file order. */
    public static List<ConfigKey> describe() {
        return ConfigKeys.ALL;
    }

    /** {@link #describe()} as plain text for {@code --help}. */
    public static String helpText() {
        StringBuilder b = new StringBuilder("Configuration keys (file key / environment variable / default):\n");
        String section = "";
        for (ConfigKey k : describe()) {
            if (!k.section().equals(section)) {
                section = k.section();
                b.append('\n').append(section).append(':')
                        .append(k.reloadable() ? " (reloadable)" : "").append('\n');
            }
            b.append(String.format(Locale.ROOT, "  %-24s %-28s default %s%n      %s%n",
                    k.path(), k.envVar(), k.shownDefault(), k.meaning()));
        }
        return b.toString();
    }

    private static PfConfig build(Values v) {
        SipConfig sip = v.section(() -> new SipConfig(
                v.text(ConfigKeys.SIP_HOST),
                v.integer(ConfigKeys.SIP_PORT),
                v.list(ConfigKeys.SIP_TRANSPORTS, s -> choice(Transport.class, s)),
                v.optional(ConfigKeys.SIP_OUTBOUND_PROXY, SipUri::parse),
                v.list(ConfigKeys.SIP_TRUSTED_CORE, CidrBlock::parse),
                v.parsed(ConfigKeys.SIP_DEFAULT_ROLE, s -> choice(PfRole.class, s)),
                v.text(ConfigKeys.SIP_SERVER_HEADER),
                v.duration(ConfigKeys.SIP_INVITE_TIMEOUT),
                v.integer(ConfigKeys.SIP_MAX_SETUPS_IN_PROGRESS),
                v.integer(ConfigKeys.SIP_MAX_SETUP_RATE),
                v.duration(ConfigKeys.SIP_OVERLOAD_RETRY_AFTER)));

        MsrpConfig msrp = v.section(() -> {
            String host = v.text(ConfigKeys.MSRP_HOST);
            return new MsrpConfig(
                    host,
                    v.integer(ConfigKeys.MSRP_PORT),
                    v.optional(ConfigKeys.MSRP_ADVERTISED_HOST, s -> s).orElse(host),
                    v.integer(ConfigKeys.MSRP_TLS_PORT),
                    v.optional(ConfigKeys.MSRP_TLS_CERTIFICATE, ConfigLoader::readableFile),
                    v.optional(ConfigKeys.MSRP_TLS_PRIVATE_KEY, ConfigLoader::readableFile),
                    v.intSize(ConfigKeys.MSRP_MAX_HEADER_BYTES),
                    v.integer(ConfigKeys.MSRP_MAX_HEADERS),
                    v.duration(ConfigKeys.MSRP_IDLE_TIMEOUT));
        });

        StoreConfig store = v.section(() -> {
            Path dataDir = v.parsed(ConfigKeys.STORE_DATA_DIR, Path::of);
            Optional<String> url = v.optional(ConfigKeys.STORE_JDBC_URL, s -> s);
            String user = v.optional(ConfigKeys.STORE_USER, s -> s).orElse(url.isEmpty() ? "sa" : "");
            return new StoreConfig(
                    url.orElseGet(() -> StoreConfig.embeddedUrl(dataDir)),
                    user,
                    v.optional(ConfigKeys.STORE_PASSWORD, s -> s).orElse(""),
                    dataDir,
                    v.integer(ConfigKeys.STORE_POOL_SIZE),
                    v.intSize(ConfigKeys.STORE_CHUNK_SIZE));
        });

        HttpConfig http = v.section(() -> new HttpConfig(v.text(ConfigKeys.HTTP_HOST), v.integer(ConfigKeys.HTTP_PORT)));

        PolicyConfig policy = v.section(() -> new PolicyConfig(
                v.parsed(ConfigKeys.POLICY_MAX_FILE_SIZE, ByteSize::parse),
                v.parsed(ConfigKeys.POLICY_THUMBNAIL_MAX_BYTES, ByteSize::parse),
                v.parsed(ConfigKeys.POLICY_THUMBNAIL_OVERSIZE, s -> choice(ThumbnailOversize.class, s)),
                v.parsed(ConfigKeys.POLICY_GROUP_FILE_TRANSFER, ConfigLoader::bool),
                v.parsed(ConfigKeys.POLICY_DEFER_ON, s -> choice(PfRole.class, s)),
                v.list(ConfigKeys.POLICY_GROUP_SESSION_IDENTITIES, s -> {
                    WildcardedPsi.parse(s); // IllegalArgumentException names the identity
                    return s;
                })));

        RetryConfig retry = v.section(() -> new RetryConfig(
                v.duration(ConfigKeys.RETRY_FIRST_DELAY),
                v.parsed(ConfigKeys.RETRY_BACKOFF_FACTOR, ConfigLoader::decimal),
                v.duration(ConfigKeys.RETRY_MAX_DELAY),
                v.integer(ConfigKeys.RETRY_MAX_ATTEMPTS),
                v.duration(ConfigKeys.RETRY_EXPIRY)));

        DeferralConfig deferral = v.section(() -> new DeferralConfig(
                v.optional(ConfigKeys.DEFERRAL_NODE_ID, s -> s),
                v.duration(ConfigKeys.DEFERRAL_LEASE),
                v.duration(ConfigKeys.DEFERRAL_TICK),
                v.duration(ConfigKeys.DEFERRAL_POSTPONE_DELAY),
                v.duration(ConfigKeys.DEFERRAL_STORE_OUTAGE_GRACE),
                v.duration(ConfigKeys.DEFERRAL_RESUME_WINDOW),
                v.parsed(ConfigKeys.DEFERRAL_DEVICE_AFFINITY, s -> choice(DeviceAffinityPolicy.class, s)),
                v.optional(ConfigKeys.DEFERRAL_DEFERRED_MGMT_URI, SipUri::parse)));

        return new PfConfig(sip, msrp, store, http, policy, retry, deferral);
    }

    // ---- reading -------------------------------------------------------------------------

    private static void readFile(Path file, Map<String, Raw> raw) {
        String where = "file " + file;
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(null, "config file " + file + " does not exist");
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String position = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException(null, "config file " + file + " is not valid YAML" + position + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(null, "config file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return; // an empty file: all defaults
        }
        if (!root.isObject()) {
            throw new ConfigException(null, "config file " + file + " must be a mapping of sections (sip:, msrp:, ...)");
        }
        for (Iterator<Map.Entry<String, JsonNode>> sections = root.fields(); sections.hasNext(); ) {
            Map.Entry<String, JsonNode> section = sections.next();
            if (!ConfigKeys.sections().contains(section.getKey())) {
                throw new ConfigException(section.getKey(), "unknown section in " + file
                        + suggestion(section.getKey(), List.copyOf(ConfigKeys.sections())));
            }
            JsonNode body = section.getValue();
            if (body.isNull()) {
                continue;
            }
            if (!body.isObject()) {
                throw new ConfigException(section.getKey(), "must be a mapping of keys in " + file);
            }
            for (Iterator<Map.Entry<String, JsonNode>> keys = body.fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = keys.next();
                String path = section.getKey() + "." + entry.getKey();
                ConfigKey key = ConfigKeys.ALL.stream().filter(k -> k.path().equals(path)).findFirst()
                        .orElseThrow(() -> new ConfigException(path, "unknown key in " + file + suggestion(path,
                                ConfigKeys.ALL.stream().map(ConfigKey::path).toList())));
                Raw value = fromNode(key, entry.getValue(), where);
                if (value != null) {
                    raw.put(key.path(), value);
                }
            }
        }
    }

    private static Raw fromNode(ConfigKey key, JsonNode node, String where) {
        if (node.isNull()) {
            return null; // "key:" with no value means the default
        }
        if (node.isValueNode()) {
            return new Raw(node.asText(), null, where);
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode() || item.isNull()) {
                    throw new ConfigException(key.path(), "list items must be plain values (set in " + where + ")");
                }
                items.add(item.asText());
            }
            return new Raw(null, items, where);
        }
        throw new ConfigException(key.path(), "expected a value, found a mapping (set in " + where + ")");
    }

    private static void readEnv(Map<String, String> env, Map<String, Raw> raw) {
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            boolean ours = ConfigKeys.sections().stream().anyMatch(s -> name.startsWith(ConfigKey.envPrefix(s)));
            if (!ours) {
                continue;
            }
            ConfigKey key = ConfigKeys.ALL.stream().filter(k -> k.envVar().equals(name)).findFirst()
                    .orElseThrow(() -> new ConfigException(name, "unknown environment variable"
                            + suggestion(name, ConfigKeys.ALL.stream().map(ConfigKey::envVar).toList())));
            raw.put(key.path(), new Raw(e.getValue(), null, "environment variable " + name));
        }
    }

    // ---- value syntax --------------------------------------------------------------------

    private static <E extends Enum<E>> E choice(Class<E> type, String text) {
        String wanted = text.strip();
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(wanted)) {
                return e;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of " + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
    }

    private static boolean bool(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
        };
    }

    private static double decimal(String text) {
        try {
            double d = Double.parseDouble(text.strip());
            if (Double.isFinite(d) && text.strip().matches("[0-9.eE+-]+")) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "' is not a number");
    }

    private static Path readableFile(String text) {
        Path p = Path.of(text.strip());
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("'" + text + "' is not an existing file");
        }
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException("'" + text + "' is not readable");
        }
        return p;
    }

    private static String suggestion(String wrong, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(normalise(wrong), normalise(k));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= 2 ? " (did you mean " + best + "?)" : "";
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** An error whose message already says where the value was set. */
    private static final class SourcedException extends ConfigException {
        SourcedException(String key, String problem) {
            super(key, problem);
        }
    }

    /** A value as written, before it is parsed: either text or a list, and where it came from. */
    private record Raw(String text, List<String> items, String source) {
    }

    /** Typed access to the raw values, turning syntax errors into one-line ConfigExceptions. */
    private static final class Values {
        private final Map<String, Raw> raw;

        Values(Map<String, Raw> raw) {
            this.raw = raw;
        }

        /** Builds a section record, adding where the offending value was set to its error. */
        <T> T section(Supplier<T> build) {
            try {
                return build.get();
            } catch (SourcedException e) {
                throw e;
            } catch (ConfigException e) {
                Raw r = e.key() == null ? null : raw.get(e.key());
                if (r == null) {
                    throw e;
                }
                throw new SourcedException(e.key(), e.getMessage().substring(e.key().length() + 2)
                        + " (set in " + r.source() + ")");
            }
        }

        String text(ConfigKey key) {
            Raw r = raw.get(key.path());
            if (r == null) {
                return key.defaultValue();
            }
            if (r.items() != null) {
                throw new SourcedException(key.path(), "expected a single value, found a list (set in " + r.source() + ")");
            }
            if (r.text().isBlank()) {
                throw new SourcedException(key.path(), "must not be empty (set in " + r.source() + ")");
            }
            return r.text().strip();
        }

        <T> T parsed(ConfigKey key, Function<String, T> parser) {
            String text = text(key);
            try {
                return parser.apply(text);
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }

        /** Empty (unset, or set to an empty string to clear a file value) gives Optional.empty(). */
        <T> Optional<T> optional(ConfigKey key, Function<String, T> parser) {
            Raw r = raw.get(key.path());
            String text = r == null ? key.defaultValue() : r.text();
            if (r != null && r.items() != null) {
                throw new SourcedException(key.path(), "expected a single value, found a list (set in " + r.source() + ")");
            }
            if (text == null || text.isBlank()) {
                return Optional.empty();
            }
            try {
                return Optional.of(parser.apply(text.strip()));
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }

        <T> List<T> list(ConfigKey key, Function<String, T> parser) {
            Raw r = raw.get(key.path());
            List<String> items;
            if (r == null) {
                items = split(key.defaultValue());
            } else if (r.items() != null) {
                items = r.items();
            } else {
                items = split(r.text());
            }
            List<T> out = new ArrayList<>();
            for (String item : items) {
                try {
                    out.add(parser.apply(item.strip()));
                } catch (IllegalArgumentException e) {
                    throw error(key, e.getMessage());
                }
            }
            return out;
        }

        int integer(ConfigKey key) {
            return parsed(key, s -> {
                if (!s.matches("-?\\d{1,10}")) {
                    throw new IllegalArgumentException("'" + s + "' is not a whole number");
                }
                long n = Long.parseLong(s);
                if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE) {
                    throw new IllegalArgumentException("'" + s + "' is too large");
                }
                return (int) n;
            });
        }

        int intSize(ConfigKey key) {
            long n = parsed(key, ByteSize::parse);
            if (n > Integer.MAX_VALUE) {
                throw error(key, "'" + text(key) + "' is too large");
            }
            return (int) n;
        }

        Duration duration(ConfigKey key) {
            return parsed(key, DurationText::parse);
        }

        private ConfigException error(ConfigKey key, String problem) {
            Raw r = raw.get(key.path());
            return new SourcedException(key.path(), problem + (r == null ? " (the default)" : " (set in " + r.source() + ")"));
        }

        private static List<String> split(String text) {
            return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }
    }
}
