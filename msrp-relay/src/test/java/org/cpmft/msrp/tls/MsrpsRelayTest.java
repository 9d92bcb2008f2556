package org.cpmft.msrp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cpmft.msrp.client.MsrpFileReceiver;
import org.cpmft.msrp.client.MsrpFileSender;
import org.cpmft.msrp.client.ReceiveResult;
import org.cpmft.msrp.client.ReceiverOptions;
import org.cpmft.msrp.client.SendResult;
import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.relay.MsrpRelay;
import org.cpmft.msrp.relay.RelayConfig;
import org.cpmft.msrp.relay.RelaySessionPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MSRPS end to end: TLS sender -> TLS relay listener -> relay TLS client -> TLS receiver. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MsrpsRelayTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private static Path keyStore;

    /** A self-signed EC certificate for 127.0.0.1 / localhost, made with the JDK's keytool. */
    @BeforeAll
    static void generateCertificate() throws Exception {
        keyStore = dir.resolve("msrp.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "msrp", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    private static MsrpTls tls() throws Exception {
        return MsrpTls.fromKeyStore(keyStore, PASSWORD, keyStore, PASSWORD, true);
    }

    private static Path randomFile(String name, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    @Test
    void relaysAFileOverTlsOnBothLegs() throws Exception {
        MsrpTls tls = tls();
        Path file = randomFile("secret.bin", 600_000);
        try (MsrpRelay relay = MsrpRelay.start(RelayConfig.of("127.0.0.1", 0).withTls(tls));
             MsrpFileReceiver receiver = MsrpFileReceiver.listen("127.0.0.1", 0, "tlsrecv", dir.resolve("tls.out"),
                     ReceiverOptions.secure(tls));
             MsrpFileSender sender = new MsrpFileSender(tls)) {
            RelaySessionPair pair = relay.allocatePair();
            assertThat(pair.offererLeg().localPath().scheme()).isEqualTo("msrps");
            assertThat(receiver.localUri().secure()).isTrue();
            MsrpUri senderUri = MsrpUri.of(true, "127.0.0.1", 42000, "tlssender");
            pair.offererLeg().bindRemotePath(List.of(senderUri)).get(5, TimeUnit.SECONDS);
            pair.answererLeg().bindRemotePath(List.of(receiver.localUri())).get(10, TimeUnit.SECONDS);

            SendResult sent = sender.send(file, List.of(pair.offererLeg().localPath()), senderUri,
                    "application/octet-stream", 64 * 1024, WAIT);
            ReceiveResult got = receiver.await(WAIT);
            assertThat(got.sha256()).isEqualTo(sent.sha256());
        }
    }

    @Test
    void senderNotTrustingTheRelayCertificateFails() throws Exception {
        MsrpTls relayTls = tls();
        MsrpTls defaultTrust = MsrpTls.fromKeyStore(keyStore, PASSWORD, null, null, true);
        Path file = randomFile("x.bin", 1000);
        try (MsrpRelay relay = MsrpRelay.start(RelayConfig.of("127.0.0.1", 0).withTls(relayTls));
             MsrpFileSender sender = new MsrpFileSender(defaultTrust)) {
            RelaySessionPair pair = relay.allocatePair();
            MsrpUri senderUri = MsrpUri.of(true, "127.0.0.1", 42001, "tlssender2");
            pair.offererLeg().bindRemotePath(List.of(senderUri)).get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> sender.send(file, List.of(pair.offererLeg().localPath()), senderUri,
                    "text/plain", 500, WAIT)).isInstanceOf(IOException.class);
        }
    }
}
