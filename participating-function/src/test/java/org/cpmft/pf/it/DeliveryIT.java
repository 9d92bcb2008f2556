package org.cpmft.pf.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Redelivery of a deferred file to the device that accepted it, over real SIP (SIPp), real MSRP
 * and the real store (H2 and PostgreSQL): an interrupted redelivery keeps its progress (the next
 * offer resumes where the device confirmed, at most one chunk sent twice), and a device answering
 * 488 to the resume gets the whole file at once instead of the same range again (CPM 7.4.5.2).
 */
class DeliveryIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(DeliveryLab.Backend.class)
    void anInterruptedRedeliveryKeepsItsProgressAndA488ToTheResumeBringsTheWholeFile(DeliveryLab.Backend backend,
                                                                                     @TempDir Path dir)
            throws Exception {
        byte[] content = DeferralIT.randomFile(4 * 1024 * 1024 + 5, 11L);
        Path file = DeferralIT.write(dir, "big.bin", content);
        try (DeliveryLab lab = new DeliveryLab(dir, backend)) {
            lab.storeWhole(file);

            // 1. the delivery the REGISTER triggers (the whole file) is cut after about 1 MB
            String secondPath = "msrp://127.0.0.1:" + FreePorts.next() + "/bobdev2;tcp";
            try (ProcessUnderTest dropping = DeferralIT.receiver(dir, secondPath, "second.bin", "--drop-after",
                    "1000000")) {
                Sipp device = Sipp.scenario("deferral-recipient-whole.xml", "device-cut", dir)
                        .atPort(lab.devicePort).key("msrp_path", secondPath).start();
                lab.register("register-1");
                assertThat(device.awaitExit()).as("device\n%s\nPF:\n%s", device.report(), lab.pf.process().output())
                        .isZero();
                assertThat(dropping.awaitExit(DeliveryLab.STEP)).isZero();
            }
            long reached = Files.size(dir.resolve("second.bin")); // written at the Byte-Range offsets
            byte[] got = Files.readAllBytes(dir.resolve("second.bin"));

            // 2. the next REGISTER: a resume from where the cut delivery was confirmed; the device refuses it
            Sipp refusing = Sipp.scenario("deferral-recipient-488-resume.xml", "device-488", dir)
                    .atPort(lab.devicePort).start();
            lab.register("register-2");
            assertThat(refusing.awaitExit()).as("device\n%s\nPF:\n%s", refusing.report(), lab.pf.process().output())
                    .isZero();
            long resumed = DeliveryLab.resumeOffset(refusing.messages());
            assertThat(resumed).as("the interrupted delivery's progress was saved").isPositive()
                    .isLessThanOrEqualTo(reached);
            assertThat(reached - resumed).as("octets the device got and the PF sends again").isLessThanOrEqualTo(
                    DeliveryLab.CHUNK);
            assertThat(java.util.Arrays.copyOf(got, (int) resumed)).as("what the device confirmed")
                    .isEqualTo(java.util.Arrays.copyOf(content, (int) resumed));

            // 3. at once (no REGISTER, no retry delay): the whole file once more, no file-range
            String wholePath = "msrp://127.0.0.1:" + FreePorts.next() + "/bobdev3;tcp";
            try (ProcessUnderTest receiver = DeferralIT.receiver(dir, wholePath, "whole.bin")) {
                Sipp device = Sipp.scenario("deferral-recipient-whole.xml", "device-whole", dir)
                        .atPort(lab.devicePort).key("msrp_path", wholePath).start();
                assertThat(device.awaitExit()).as("device\n%s\nPF:\n%s", device.report(), lab.pf.process().output())
                        .isZero();
                assertThat(receiver.awaitExit(DeliveryLab.STEP)).as("receiver\n%s", receiver.output()).isZero();
                assertThat(receiver.output()).contains("sha256=" + DeferralIT.sha256(content));
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!lab.pf.metrics().contains("pf_deferred_deliveries_total{outcome=\"delivered\"} 1.0")
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(lab.pf.metrics()).contains("pf_deferred_deliveries_total{outcome=\"delivered\"} 1.0");
        }
    }
}
