package org.cpmft.pf.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The catalogue of every setting; the loader, {@code --help} and docs/configuration.md follow it. */
public final class ConfigKeys {

    public static final ConfigKey SIP_HOST = key("sip", "host", "127.0.0.1",
            "Address the SIP listener binds to and puts in Via and Contact.");
    public static final ConfigKey SIP_PORT = key("sip", "port", "5060", "SIP listening port.");
    public static final ConfigKey SIP_TRANSPORTS = key("sip", "transports", "udp, tcp",
            "SIP transports to listen on: udp, tcp (a list; in an environment variable, comma separated).");
    public static final ConfigKey SIP_OUTBOUND_PROXY = optional("sip", "outboundProxy", "none",
            "SIP or SIPS URI of the next hop in the SIP/IP core for requests the PF sends, e.g. sip:127.0.0.1:5070;lr. "
                    + "None: route by Request-URI.");
    public static final ConfigKey SIP_TRUSTED_CORE = key("sip", "trustedCore", "127.0.0.0/8",
            "IP addresses or CIDR blocks allowed to send requests to the PF (the S-CSCFs); a list.");
    public static final ConfigKey SIP_DEFAULT_ROLE = key("sip", "defaultRole", "originating",
            "Role assumed when a request does not say which side it is for: originating or terminating.");
    public static final ConfigKey SIP_SERVER_HEADER = key("sip", "serverHeader", "CPM-PF/0.1 OMA-CPM-2.0",
            "Value of the Server header in responses and User-Agent in requests the PF originates.");
    public static final ConfigKey SIP_INVITE_TIMEOUT = key("sip", "inviteTimeout", "30s",
            "Provider-policy invitation timeout: how long an INVITE may go unanswered before the PF defers.");
    public static final ConfigKey SIP_MAX_SETUPS_IN_PROGRESS = key("sip", "maxSetupsInProgress", "200",
            "Overload control: most session set-ups in progress (initial INVITE until the far end's first answer "
                    + "other than 100, or the sender's ACK/CANCEL); beyond it new INVITEs get 503 with Retry-After. 0: no limit.");
    public static final ConfigKey SIP_MAX_SETUP_RATE = key("sip", "maxSetupRate", "0",
            "Overload control: most new INVITEs admitted per second; beyond it 503 with Retry-After. 0: no limit.");
    public static final ConfigKey SIP_OVERLOAD_RETRY_AFTER = key("sip", "overloadRetryAfter", "5s",
            "Retry-After (whole seconds) of the 503 sent to an INVITE refused by overload control.");

    public static final ConfigKey MSRP_HOST = key("msrp", "host", "127.0.0.1", "Address the MSRP relay binds to.");
    public static final ConfigKey MSRP_PORT = key("msrp", "port", "2855", "MSRP (TCP) listening port.");
    public static final ConfigKey MSRP_ADVERTISED_HOST = derived("msrp", "advertisedHost", "msrp.host",
            "Host the PF writes in its MSRP URIs (a=path); set it when msrp.host is a wildcard or behind NAT.");
    public static final ConfigKey MSRP_TLS_PORT = key("msrp", "tlsPort", "0",
            "MSRP over TLS (msrps) listening port; 0 turns TLS off.");
    public static final ConfigKey MSRP_TLS_CERTIFICATE = optional("msrp", "tlsCertificate", "none",
            "PEM file with the TLS certificate chain; required when msrp.tlsPort is not 0.");
    public static final ConfigKey MSRP_TLS_PRIVATE_KEY = optional("msrp", "tlsPrivateKey", "none",
            "PEM file with the PKCS#8 private key of the certificate; required when msrp.tlsPort is not 0.");
    public static final ConfigKey MSRP_MAX_HEADER_BYTES = key("msrp", "maxHeaderBytes", "8192",
            "Largest MSRP header block accepted (a size, 1KiB-1MiB); a peer sending more is disconnected.");
    public static final ConfigKey MSRP_MAX_HEADERS = key("msrp", "maxHeaders", "64",
            "Most header fields accepted in one MSRP message (8-1024).");
    public static final ConfigKey MSRP_IDLE_TIMEOUT = key("msrp", "idleTimeout", "300s",
            "An MSRP connection with no traffic for this long is closed.");

    public static final ConfigKey STORE_JDBC_URL = derived("store", "jdbcUrl", "embedded H2 file under store.dataDir",
            "JDBC URL of the deferred store, e.g. jdbc:postgresql://db:5432/pf.");
    public static final ConfigKey STORE_USER = optional("store", "user", "none (sa for embedded H2)",
            "Database user.");
    public static final ConfigKey STORE_PASSWORD = optional("store", "password", "none",
            "Database password (prefer the environment variable to the file).");
    public static final ConfigKey STORE_DATA_DIR = key("store", "dataDir", "./data",
            "Directory for local data (the embedded database when store.jdbcUrl is not set).");
    public static final ConfigKey STORE_POOL_SIZE = key("store", "poolSize", "10",
            "Most database connections this PF node opens (1-1000).");
    public static final ConfigKey STORE_CHUNK_SIZE = key("store", "chunkSize", "256KiB",
            "Bytes per stored content chunk (a size, 1KiB-64MiB).");

    public static final ConfigKey HTTP_HOST = key("http", "host", "127.0.0.1",
            "Address of the operations endpoint (/metrics, /health).");
    public static final ConfigKey HTTP_PORT = key("http", "port", "9090", "Port of the operations endpoint.");

    public static final ConfigKey POLICY_MAX_FILE_SIZE = policy("maxFileSize", "100MiB",
            "Largest file accepted, compared with the size in the file-selector.");
    public static final ConfigKey POLICY_THUMBNAIL_MAX_BYTES = policy("thumbnailMaxBytes", "10KiB",
            "Largest file-icon (thumbnail) accepted.");
    public static final ConfigKey POLICY_THUMBNAIL_OVERSIZE = policy("thumbnailOversize", "strip",
            "What to do with a larger thumbnail: refuse the invitation, or strip the thumbnail and forward.");
    public static final ConfigKey POLICY_GROUP_FILE_TRANSFER = policy("groupFileTransfer", "false",
            "Whether file transfer in a group session is allowed; if not, 403 with Warning 122.");
    public static final ConfigKey POLICY_GROUP_SESSION_IDENTITIES = new ConfigKey("policy", "groupSessionIdentities",
            "", "none", "The Controlling Function's CPM Group Session Identities, a list of SIP URIs; a user part may "
                    + "hold a regular expression between ! (3GPP wildcarded PSI, e.g. sip:conf-!.*!@ims.example.net), "
                    + "a URI without user part names a whole domain. An FT INVITE whose Request-URI is one is a group "
                    + "transfer: 403 + 122 unless groupFileTransfer, never deferred (seed 002 9.3.1).", true);
    public static final ConfigKey POLICY_DEFER_ON = policy("deferOn", "originating",
            "Which side's PF stores a file for a recipient that cannot take it: originating or terminating.");

    public static final ConfigKey RETRY_FIRST_DELAY = retry("firstDelay", "60s",
            "Wait before the first periodic delivery attempt of a deferred file.");
    public static final ConfigKey RETRY_BACKOFF_FACTOR = retry("backoffFactor", "2.0",
            "Each further wait is the previous one times this factor (1.0-100.0).");
    public static final ConfigKey RETRY_MAX_DELAY = retry("maxDelay", "1h", "Longest wait between attempts.");
    public static final ConfigKey RETRY_MAX_ATTEMPTS = retry("maxAttempts", "10",
            "Periodic delivery attempts before the transfer is failed and the sender told.");
    public static final ConfigKey RETRY_EXPIRY = retry("expiry", "7d",
            "A deferred file older than this is failed and removed, whatever the attempts.");

    /** Every key, in file order. */
    public static final ConfigKey DEFERRAL_NODE_ID = derived("deferral", "nodeId", "host name/process id",
            "Name of this PF node in delivery leases; unique among the nodes sharing one store.");
    public static final ConfigKey DEFERRAL_LEASE = key("deferral", "lease", "2m",
            "How long a node holds a transfer it is delivering; a crashed node's work is taken over after it.");
    public static final ConfigKey DEFERRAL_TICK = key("deferral", "tick", "1s",
            "How often a node looks for due deliveries, notifications and expired transfers.");
    public static final ConfigKey DEFERRAL_POSTPONE_DELAY = key("deferral", "postponeDelay", "15m",
            "Wait before the next attempt when the recipient answered 480 (postpone, CPM seed 004).");
    public static final ConfigKey DEFERRAL_STORE_OUTAGE_GRACE = key("deferral", "storeOutageGrace", "30s",
            "While the store's database is unreachable, storing a file waits (the sender's 200s are late, MSRP "
                    + "backpressure) this long for it to return before the sender's chunks are refused; 0s-10m.");
    public static final ConfigKey DEFERRAL_RESUME_WINDOW = key("deferral", "resumeWindow", "24h",
            "An upload the sender abandoned (BYE/CANCEL before the end of the file) stays resumable this long, "
                    + "then it is removed with its content.");
    public static final ConfigKey DEFERRAL_DEVICE_AFFINITY = key("deferral", "deviceAffinity", "strict",
            "Where a file goes when the device that accepted it is not registered but others of the user are: "
                    + "strict (wait for that device, seed 002 4.2) or fallback (the whole file to any device).");
    public static final ConfigKey DEFERRAL_DEFERRED_MGMT_URI = optional("deferral", "deferredMgmtUri",
            "none (the original sender)",
            "From of delivery INVITEs (CPMDeferredMgmtURI, seed 004 7.3.11), e.g. sip:deferred@pf.example.net; "
                    + "the original sender is in Referred-By either way.");

    public static final List<ConfigKey> ALL = List.of(
            SIP_HOST, SIP_PORT, SIP_TRANSPORTS, SIP_OUTBOUND_PROXY, SIP_TRUSTED_CORE, SIP_DEFAULT_ROLE,
            SIP_SERVER_HEADER, SIP_INVITE_TIMEOUT, SIP_MAX_SETUPS_IN_PROGRESS, SIP_MAX_SETUP_RATE,
            SIP_OVERLOAD_RETRY_AFTER,
            MSRP_HOST, MSRP_PORT, MSRP_ADVERTISED_HOST, MSRP_TLS_PORT, MSRP_TLS_CERTIFICATE, MSRP_TLS_PRIVATE_KEY,
            MSRP_MAX_HEADER_BYTES, MSRP_MAX_HEADERS, MSRP_IDLE_TIMEOUT,
            STORE_JDBC_URL, STORE_USER, STORE_PASSWORD, STORE_DATA_DIR, STORE_POOL_SIZE, STORE_CHUNK_SIZE,
            HTTP_HOST, HTTP_PORT,
            POLICY_MAX_FILE_SIZE, POLICY_THUMBNAIL_MAX_BYTES, POLICY_THUMBNAIL_OVERSIZE, POLICY_GROUP_FILE_TRANSFER,
            POLICY_DEFER_ON, POLICY_GROUP_SESSION_IDENTITIES,
            RETRY_FIRST_DELAY, RETRY_BACKOFF_FACTOR, RETRY_MAX_DELAY, RETRY_MAX_ATTEMPTS, RETRY_EXPIRY,
            DEFERRAL_NODE_ID, DEFERRAL_LEASE, DEFERRAL_TICK, DEFERRAL_POSTPONE_DELAY,
            DEFERRAL_STORE_OUTAGE_GRACE, DEFERRAL_RESUME_WINDOW, DEFERRAL_DEVICE_AFFINITY, DEFERRAL_DEFERRED_MGMT_URI);

    private ConfigKeys() {
    }

    /** The sections in file order. */
    public static Set<String> sections() {
        Set<String> sections = new LinkedHashSet<>();
        ALL.forEach(k -> sections.add(k.section()));
        return sections;
    }

    private static ConfigKey key(String section, String name, String def, String meaning) {
        return new ConfigKey(section, name, def, def, meaning, false);
    }

    private static ConfigKey optional(String section, String name, String shown, String meaning) {
        return new ConfigKey(section, name, "", shown, meaning, false);
    }

    private static ConfigKey derived(String section, String name, String shown, String meaning) {
        return new ConfigKey(section, name, "", "(" + shown + ")", meaning, false);
    }

    private static ConfigKey policy(String name, String def, String meaning) {
        return new ConfigKey("policy", name, def, def, meaning, true);
    }

    private static ConfigKey retry(String name, String def, String meaning) {
        return new ConfigKey("retry", name, def, def, meaning, true);
    }
}
