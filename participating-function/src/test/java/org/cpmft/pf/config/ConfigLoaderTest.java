package org.cpmft.pf.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("pf.yaml");
        Files.writeString(file, text);
        return file;
    }

    private PfConfig load(String text, Map<String, String> env) throws IOException {
        return ConfigLoader.load(yaml(text), env);
    }

    @Test
    void everyValueHasAnEmbeddedDefault() throws Exception {
        PfConfig c = ConfigLoader.load(null, Map.of());

        assertThat(c.sip().host()).isEqualTo("127.0.0.1");
        assertThat(c.sip().port()).isEqualTo(5060);
        assertThat(c.sip().transports()).containsExactly(Transport.UDP, Transport.TCP);
        assertThat(c.sip().outboundProxy()).isEmpty();
        assertThat(c.sip().trustedCore()).containsExactly(CidrBlock.parse("127.0.0.0/8"));
        assertThat(c.sip().isTrusted(InetAddress.getByName("127.0.0.2"))).isTrue();
        assertThat(c.sip().isTrusted(InetAddress.getByName("10.0.0.2"))).isFalse();
        assertThat(c.sip().defaultRole()).isEqualTo(PfRole.ORIGINATING);
        assertThat(c.sip().serverHeader()).isEqualTo("CPM-PF/0.1 OMA-CPM-2.0");
        assertThat(c.sip().inviteTimeout()).isEqualTo(Duration.ofSeconds(30));

        assertThat(c.msrp().host()).isEqualTo("127.0.0.1");
        assertThat(c.msrp().port()).isEqualTo(2855);
        assertThat(c.msrp().advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(c.msrp().tlsPort()).isZero();
        assertThat(c.msrp().tlsEnabled()).isFalse();
        assertThat(c.msrp().tlsCertificate()).isEmpty();
        assertThat(c.msrp().maxHeaderBytes()).isEqualTo(8192);
        assertThat(c.msrp().maxHeaders()).isEqualTo(64);
        assertThat(c.msrp().idleTimeout()).isEqualTo(Duration.ofSeconds(300));

        assertThat(c.store().dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.store().jdbcUrl()).startsWith("jdbc:h2:file:" + Path.of("data").toAbsolutePath() + "/store/pf;");
        assertThat(c.store().isEmbedded()).isTrue();
        assertThat(c.store().user()).isEqualTo("sa");
        assertThat(c.store().password()).isEmpty();
        assertThat(c.store().poolSize()).isEqualTo(10);
        assertThat(c.store().chunkSize()).isEqualTo(262_144);

        assertThat(c.http()).isEqualTo(new HttpConfig("127.0.0.1", 9090));

        assertThat(c.policy().maxFileSize()).isEqualTo(100L * 1024 * 1024);
        assertThat(c.policy().thumbnailMaxBytes()).isEqualTo(10_240);
        assertThat(c.policy().thumbnailOversize()).isEqualTo(ThumbnailOversize.STRIP);
        assertThat(c.policy().groupFileTransfer()).isFalse();
        assertThat(c.policy().groupSessionIdentities()).isEmpty();
        assertThat(c.policy().deferOn()).isEqualTo(PfRole.ORIGINATING);

        assertThat(c.retry()).isEqualTo(new RetryConfig(Duration.ofSeconds(60), 2.0, Duration.ofHours(1), 10,
                Duration.ofDays(7)));
        assertThat(PfConfig.defaults()).isEqualTo(c);
    }

    @Test
    void fileValuesReplaceDefaults() throws Exception {
        PfConfig c = load("""
                sip:
                  host: 10.0.0.5
                  port: 5080
                  transports: [tcp]
                  outboundProxy: "sip:scscf.ims.example.net:6060;lr"
                  trustedCore: [10.0.0.0/24, "fd00::/8"]
                  defaultRole: terminating
                  inviteTimeout: 45s
                msrp:
                  host: 0.0.0.0
                  advertisedHost: pf1.example.net
                  maxHeaderBytes: 16KiB
                store:
                  jdbcUrl: jdbc:postgresql://db:5432/pf
                  user: pf
                  password: secret
                policy:
                  maxFileSize: 2GB
                  groupFileTransfer: true
                  thumbnailOversize: refuse
                retry:
                  firstDelay: PT2M
                  backoffFactor: 1.5
                  expiry: 3d
                """, Map.of());

        assertThat(c.sip().host()).isEqualTo("10.0.0.5");
        assertThat(c.sip().port()).isEqualTo(5080);
        assertThat(c.sip().transports()).containsExactly(Transport.TCP);
        assertThat(c.sip().outboundProxy()).map(SipUri::host).hasValue("scscf.ims.example.net");
        assertThat(c.sip().trustedCore()).hasSize(2);
        assertThat(c.sip().defaultRole()).isEqualTo(PfRole.TERMINATING);
        assertThat(c.sip().inviteTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.msrp().advertisedHost()).isEqualTo("pf1.example.net");
        assertThat(c.msrp().maxHeaderBytes()).isEqualTo(16_384);
        assertThat(c.store().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/pf");
        assertThat(c.store().isEmbedded()).isFalse();
        assertThat(c.store().user()).isEqualTo("pf");
        assertThat(c.policy().maxFileSize()).isEqualTo(2_000_000_000L);
        assertThat(c.policy().groupFileTransfer()).isTrue();
        assertThat(c.policy().thumbnailOversize()).isEqualTo(ThumbnailOversize.REFUSE);
        assertThat(c.retry().firstDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.retry().backoffFactor()).isEqualTo(1.5);
        assertThat(c.retry().expiry()).isEqualTo(Duration.ofDays(3));
        // untouched keys keep their defaults
        assertThat(c.http()).isEqualTo(PfConfig.defaults().http());
    }

    @Test
    void environmentOverridesFileAndDefaults() throws Exception {
        PfConfig c = load("""
                sip:
                  port: 5080
                  outboundProxy: sip:127.0.0.1:5070;lr
                """, Map.of(
                "PF_SIP_PORT", "5090",
                "PF_SIP_OUTBOUND_PROXY", "sip:10.1.1.1;lr",
                "PF_SIP_TRANSPORTS", "tcp, udp",
                "PF_SIP_TRUSTED_CORE", "10.0.0.0/8,192.168.0.0/16",
                "PF_STORE_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/pf",
                "PF_STORE_PASSWORD", "s3cret",
                "PF_POLICY_MAX_FILE_SIZE", "5MB",
                "PF_RETRY_MAX_ATTEMPTS", "3",
                "PATH", "/usr/bin",
                "PF_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:55432/pftest"));

        assertThat(c.sip().port()).isEqualTo(5090);
        assertThat(c.sip().outboundProxy()).map(SipUri::text).hasValue("sip:10.1.1.1;lr");
        assertThat(c.sip().transports()).containsExactly(Transport.TCP, Transport.UDP);
        assertThat(c.sip().trustedCore()).extracting(CidrBlock::toString).containsExactly("10.0.0.0/8", "192.168.0.0/16");
        assertThat(c.store().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/pf");
        assertThat(c.store().password()).isEqualTo("s3cret");
        assertThat(c.store().toString()).doesNotContain("s3cret");
        assertThat(c.policy().maxFileSize()).isEqualTo(5_000_000);
        assertThat(c.retry().maxAttempts()).isEqualTo(3);
    }

    @Test
    void anEmptyEnvironmentVariableClearsAnOptionalFileValue() throws Exception {
        PfConfig c = load("sip: {outboundProxy: 'sip:127.0.0.1:5070;lr'}\n", Map.of("PF_SIP_OUTBOUND_PROXY", ""));
        assertThat(c.sip().outboundProxy()).isEmpty();
    }

    @Test
    void emptyFileAndEmptySectionsMeanDefaults() throws Exception {
        assertThat(load("", Map.of())).isEqualTo(PfConfig.defaults());
        assertThat(load("# only a comment\n", Map.of())).isEqualTo(PfConfig.defaults());
        assertThat(load("sip:\nretry:\n", Map.of())).isEqualTo(PfConfig.defaults());
        assertThat(load("sip:\n  outboundProxy:\n", Map.of())).isEqualTo(PfConfig.defaults());
    }

    @Test
    void groupSessionIdentitiesAreAListOfWildcardedPsis() throws Exception {
        PfConfig c = load("policy:\n  groupSessionIdentities: [\"sip:conf-!.*!@cf.example.net\", sip:chat.example.net]\n",
                Map.of());
        assertThat(c.policy().groupSessionIdentities()).containsExactly("sip:conf-!.*!@cf.example.net", "sip:chat.example.net");
        assertThat(ConfigLoader.load(null, Map.of("PF_POLICY_GROUP_SESSION_IDENTITIES", "sip:a-!.*!@x.net, sip:y.net"))
                .policy().groupSessionIdentities()).containsExactly("sip:a-!.*!@x.net", "sip:y.net");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_POLICY_GROUP_SESSION_IDENTITIES", "sip:a-!(!@x.net")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("policy.groupSessionIdentities: group session identity 'sip:a-!(!@x.net': bad expression");
    }

    @Test
    void deliveryKeysDefaultToStrictAffinityAndTheSenderAsFrom() throws Exception {
        DeferralConfig d = load("", Map.of()).deferral();
        assertThat(d.deviceAffinity()).isEqualTo(DeviceAffinityPolicy.STRICT);
        assertThat(d.deferredMgmtUri()).isEmpty();
        DeferralConfig set = load("deferral: {deviceAffinity: fallback, deferredMgmtUri: 'sip:deferred@pf.example.net'}\n",
                Map.of()).deferral();
        assertThat(set.deviceAffinity()).isEqualTo(DeviceAffinityPolicy.FALLBACK);
        assertThat(set.deferredMgmtUri()).map(SipUri::text).hasValue("sip:deferred@pf.example.net");
        assertThat(load("", Map.of("PF_DEFERRAL_DEVICE_AFFINITY", "fallback")).deferral().deviceAffinity())
                .isEqualTo(DeviceAffinityPolicy.FALLBACK);
        assertThatThrownBy(() -> load("deferral: {deviceAffinity: anywhere}\n", Map.of()))
                .hasMessageContaining("deferral.deviceAffinity");
        assertThatThrownBy(() -> load("deferral: {deferredMgmtUri: 'not a uri'}\n", Map.of()))
                .hasMessageContaining("deferral.deferredMgmtUri");
    }

    @Test
    void advertisedHostIsRequiredWithAWildcardListener() {
        assertThatThrownBy(() -> load("msrp: {host: 0.0.0.0}\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("msrp.advertisedHost: '0.0.0.0' is a wildcard address; set the address peers connect to");
    }

    @Test
    void tlsNeedsACertificateAndKeyThatExist() throws Exception {
        assertThatThrownBy(() -> load("msrp: {tlsPort: 2856}\n", Map.of()))
                .hasMessage("msrp.tlsCertificate: must be set when msrp.tlsPort is not 0");
        assertThatThrownBy(() -> load("msrp: {tlsPort: 2856, tlsCertificate: /nonexistent/cert.pem}\n", Map.of()))
                .hasMessageStartingWith("msrp.tlsCertificate: '/nonexistent/cert.pem' is not an existing file (set in file ");
        Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");
        PfConfig c = load("msrp: {tlsPort: 2856}\n", Map.of(
                "PF_MSRP_TLS_CERTIFICATE", cert.toString(), "PF_MSRP_TLS_PRIVATE_KEY", key.toString()));
        assertThat(c.msrp().tlsEnabled()).isTrue();
        assertThat(c.msrp().tlsCertificate()).hasValue(cert);
    }

    @Test
    void unknownSectionsKeysAndVariablesAreErrors() {
        assertThatThrownBy(() -> load("sipp:\n  port: 5060\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sipp: unknown section in ")
                .hasMessageEndingWith("(did you mean sip?)");
        assertThatThrownBy(() -> load("sip:\n  prot: 5060\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sip.prot: unknown key in ")
                .hasMessageEndingWith("(did you mean sip.port?)")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo("sip.prot");
        assertThatThrownBy(() -> load("sip:\n  outbound_proxy: sip:x\n", Map.of()))
                .hasMessageEndingWith("(did you mean sip.outboundProxy?)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_SIP_PROT", "5060")))
                .hasMessage("PF_SIP_PROT: unknown environment variable (did you mean PF_SIP_PORT?)");
    }

    @Test
    void badValuesNameTheKeyAndWhereTheyWereSet() throws Exception {
        Path file = yaml("sip:\n  port: 70000\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessage("sip.port: 70000 is not a port (1-65535) (set in file " + file + ")");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_SIP_PORT", "http")))
                .hasMessage("sip.port: 'http' is not a whole number (set in environment variable PF_SIP_PORT)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_HTTP_PORT", "0")))
                .hasMessage("http.port: 0 is not a port (1-65535) (set in environment variable PF_HTTP_PORT)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_SIP_INVITE_TIMEOUT", "30")))
                .hasMessage("sip.inviteTimeout: '30' has no unit (write e.g. 30s) (set in environment variable PF_SIP_INVITE_TIMEOUT)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_SIP_INVITE_TIMEOUT", "0s")))
                .hasMessageStartingWith("sip.inviteTimeout: must be longer than zero");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_SIP_OUTBOUND_PROXY", "127.0.0.1:5070")))
                .hasMessageStartingWith("sip.outboundProxy: '127.0.0.1:5070' is not a sip: or sips: URI");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_SIP_TRANSPORTS", "udp,sctp")))
                .hasMessageStartingWith("sip.transports: 'sctp' is not one of [udp, tcp]");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_SIP_TRANSPORTS", "udp,udp")))
                .hasMessageStartingWith("sip.transports: lists a transport twice");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_SIP_TRUSTED_CORE", "scscf.example.net")))
                .hasMessageStartingWith("sip.trustedCore: 'scscf.example.net' is not an IP address or CIDR block");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_SIP_SERVER_HEADER", "x\r\nVia: evil")))
                .hasMessageStartingWith("sip.serverHeader: must not contain control characters");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_SIP_HOST", "")))
                .hasMessage("sip.host: must not be empty (set in environment variable PF_SIP_HOST)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_POLICY_GROUP_FILE_TRANSFER", "yes")))
                .hasMessageStartingWith("policy.groupFileTransfer: 'yes' is not true or false");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_POLICY_MAX_FILE_SIZE", "10 parsecs")))
                .hasMessageStartingWith("policy.maxFileSize: '10 parsecs' has an unknown unit 'parsecs'");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_RETRY_BACKOFF_FACTOR", "0.5")))
                .hasMessageStartingWith("retry.backoffFactor: 0.5 is outside 1.0-100.0");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_RETRY_BACKOFF_FACTOR", "NaN")))
                .hasMessageStartingWith("retry.backoffFactor: 'NaN' is not a number");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_RETRY_MAX_DELAY", "30s")))
                .hasMessageStartingWith("retry.maxDelay: must not be shorter than retry.firstDelay");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_STORE_JDBC_URL", "postgresql://db/pf")))
                .hasMessageStartingWith("store.jdbcUrl: 'postgresql://db/pf' is not a JDBC URL");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_STORE_CHUNK_SIZE", "4GiB")))
                .hasMessageStartingWith("store.chunkSize: '4GiB' is too large");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PF_MSRP_MAX_HEADERS", "2")))
                .hasMessageStartingWith("msrp.maxHeaders: 2 is outside 8-1024");
    }

    @Test
    void structuralMistakesAreOneLineErrors() throws Exception {
        assertThatThrownBy(() -> load("sip:\n  port: [5060]\n", Map.of()))
                .hasMessageStartingWith("sip.port: expected a single value, found a list");
        assertThatThrownBy(() -> load("sip:\n  port: {a: 1}\n", Map.of()))
                .hasMessageStartingWith("sip.port: expected a value, found a mapping");
        assertThatThrownBy(() -> load("sip: 5060\n", Map.of()))
                .hasMessageStartingWith("sip: must be a mapping of keys");
        assertThatThrownBy(() -> load("- a\n- b\n", Map.of()))
                .hasMessageContaining("must be a mapping of sections");
        assertThatThrownBy(() -> load("sip:\n  port: 5060\n  port: 5061\n", Map.of()))
                .hasMessageContaining("is not valid YAML")
                .hasMessageContaining("port");
        assertThatThrownBy(() -> load("sip:\n  port: 5060\n port: x: y\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not valid YAML at line")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
                .hasMessage("config file " + dir.resolve("missing.yaml") + " does not exist");
    }

    @Test
    void yaml11BooleanWordsAreNotBooleans() {
        assertThatThrownBy(() -> load("policy:\n  groupFileTransfer: yes\n", Map.of()))
                .hasMessageStartingWith("policy.groupFileTransfer: 'yes' is not true or false");
        assertThatThrownBy(() -> load("policy:\n  groupFileTransfer: off\n", Map.of()))
                .hasMessageStartingWith("policy.groupFileTransfer: 'off' is not true or false");
    }

    @Test
    void everyErrorMessageIsOneLine() throws Exception {
        List<Map<String, String>> bad = List.of(Map.of("PF_SIP_PORT", "x\ny"), Map.of("PF_SIP_OUTBOUND_PROXY", "sip:a\nb"),
                Map.of("PF_SIP_HOST", "a\nb"), Map.of("PF_RETRY_EXPIRY", "\n"));
        for (Map<String, String> env : bad) {
            assertThatThrownBy(() -> ConfigLoader.load(null, env))
                    .isInstanceOf(ConfigException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\r"));
        }
    }

    @Test
    void describeListsEveryKeyWithItsVariableAndDefault() {
        List<ConfigKey> keys = ConfigLoader.describe();
        assertThat(keys).extracting(ConfigKey::envVar)
                .contains("PF_SIP_PORT", "PF_STORE_JDBC_URL", "PF_SIP_OUTBOUND_PROXY", "PF_MSRP_MAX_HEADER_BYTES",
                        "PF_POLICY_GROUP_FILE_TRANSFER", "PF_RETRY_BACKOFF_FACTOR")
                .doesNotHaveDuplicates();
        assertThat(keys).hasSize(47); // 42 + policy.groupSessionIdentities + deferral.storeOutageGrace, resumeWindow, deviceAffinity, deferredMgmtUri
        assertThat(keys).allSatisfy(k -> {
            assertThat(k.meaning()).isNotBlank();
            assertThat(k.shownDefault()).isNotBlank();
            assertThat(k.reloadable()).isEqualTo(k.section().equals("policy") || k.section().equals("retry"));
        });
        assertThat(ConfigLoader.helpText()).contains("sip.outboundProxy", "PF_SIP_OUTBOUND_PROXY", "retry:");
    }

    @Test
    void catalogueAndRecordsNameTheSameKeys() {
        List<String> recordKeys = new java.util.ArrayList<>();
        for (var section : PfConfig.class.getRecordComponents()) {
            for (var key : section.getType().getRecordComponents()) {
                recordKeys.add(section.getName() + "." + key.getName());
            }
        }
        assertThat(ConfigLoader.describe()).extracting(ConfigKey::path).containsExactlyElementsOf(recordKeys);
    }
}
