package org.cpmft.pf.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cpmft.pf.cpm.sdp.FileTransferStream;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.registration.InstanceId;
import org.cpmft.pf.registration.UserUri;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.content.ContentWriter;
import org.cpmft.store.transfer.DeferredTransfer;
import org.cpmft.store.transfer.FileDescription;

/**
 * Puts the benchmark's deferred transfers straight into the PF's store (through the store API, as
 * the intake would after a 480): the measured path starts at the third-party REGISTER, so how the
 * files got there does not matter. Each transfer is STORED with its next periodic attempt an hour
 * away, so only a REGISTER can start its delivery during the run.
 */
final class StoredTransfers {
    /** One seeded transfer. */
    record Seeded(UUID id, String recipient, int round) {
        String messageId() {
            return "deferred-" + id; // what the PF's relay puts in Message-ID when it plays the file
        }
    }

    private StoredTransfers() {
    }

    static String user(int round, int index) {
        return UserUri.normalize("sip:r" + round + "u" + String.format("%05d", index) + "@bench.example");
    }

    static String instance(int round, int index) {
        return String.format("urn:gsma:imei:35%06d-%06d-0", round, index);
    }

    /** Seeds {@code users x filesPerUser} transfers of {@code fileSize} octets for each round, 4 writers. */
    static List<Seeded> seed(DeferredStore store, int rounds, int users, int filesPerUser, int fileSize)
            throws Exception {
        byte[] content = new byte[fileSize];
        new SplittableRandom(5547).nextBytes(content);
        List<Seeded> out = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                for (int u = 0; u < users; u++) {
                    int round = r;
                    int index = u;
                    work.add(pool.submit(() -> {
                        for (int f = 0; f < filesPerUser; f++) {
                            out.add(seedOne(store, round, index, f, content));
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : work) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private static Seeded seedOne(DeferredStore store, int round, int index, int file, byte[] content) {
        String recipient = user(round, index);
        String name = "photo-" + file + ".jpg";
        // The media description as the intake keeps it: parsed from an original offer like a client's.
        String offer = "v=0\r\no=alice 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                + "m=message 7654 TCP/MSRP *\r\n"
                + "a=sendonly\r\na=accept-types:*\r\n"
                + "a=file-selector:name:\"" + name + "\" type:image/jpeg size:" + content.length + "\r\n"
                + "a=file-transfer-id:ft" + round + "x" + index + "x" + file + "\r\n"
                + "a=file-disposition:attachment\r\n"
                + "a=path:msrp://192.0.2.1:7654/alice" + index + ";tcp\r\n";
        FileTransferStream s = FileTransferStream.of(SdpSession.parse(offer), 0);
        FileDescription d = new FileDescription(name, "image/jpeg", (long) content.length, null)
                .transferId(s.fileTransferId())
                .disposition(s.disposition().orElse(null))
                .sdpMediaAttributes(s.mediaText());
        Instant now = Instant.now();
        DeferredTransfer t = store.transfers().create(DeferredTransfer.receiving(UUID.randomUUID(),
                        UserUri.normalize("sip:alice" + index + "@bench.example"), recipient, d,
                        now.plus(Duration.ofHours(1)), now.plus(Duration.ofDays(7)))
                .recipientInstance(InstanceId.normalize(instance(round, index)))
                .senderInstance(InstanceId.normalize("urn:gsma:imei:35999999-" + String.format("%06d", index) + "-0"))
                .conversationId(UUID.randomUUID().toString())
                .contributionId(UUID.randomUUID().toString())
                .contentType("image/jpeg"));
        try (ContentWriter w = store.content().openWriter(t.id(), 0)) {
            w.write(content);
            w.finish();
        }
        return new Seeded(t.id(), recipient, round);
    }
}
