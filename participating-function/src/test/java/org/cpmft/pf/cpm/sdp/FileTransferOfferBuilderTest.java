package org.cpmft.pf.cpm.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.cpmft.pf.cpm.Samples;
import org.junit.jupiter.api.Test;

class FileTransferOfferBuilderTest {

    private static final FileTransferStream STORED = FileTransferStream.of(SdpSession.parse(Samples.PUSH_OFFER), 0);

    @Test
    void reOffersAStoredFileThroughTheRelay() {
        FileTransferOfferBuilder.FileOffer file = FileTransferOfferBuilder.FileOffer.from(STORED)
                .withRange(FileRange.resumingAfter(1000));
        SdpSession offer = new FileTransferOfferBuilder("192.0.2.10", 77, 1)
                .addFile(2855, false, List.of("msrp://192.0.2.10:2855/d3f3rr3d;tcp"), file)
                .build();
        assertThat(SdpValidator.validateFileTransferOffer(offer).problems()).isEmpty();
        assertThat(offer.origin().orElseThrow()).isEqualTo(new Origin("-", "77", "1", "IN", "IP4", "192.0.2.10"));
        FileTransferStream again = FileTransferStream.of(offer, 0);
        assertThat(again.selector()).isEqualTo(STORED.selector());
        assertThat(again.fileTransferId()).isEqualTo(STORED.fileTransferId());
        assertThat(again.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(again.disposition()).contains("render");
        assertThat(again.date()).isEqualTo(STORED.date());
        assertThat(again.iconContentId()).contains("id2@alicepc.example.com");
        assertThat(again.range()).contains(FileRange.resumingAfter(1000));
        MediaDescription m = offer.media(0);
        assertThat(m.acceptTypes()).containsExactly("message/cpim");
        assertThat(m.acceptWrappedTypes()).containsExactly("*");
        assertThat(m.path()).containsExactly("msrp://192.0.2.10:2855/d3f3rr3d;tcp");
        assertThat(m.setup()).isEmpty();
        assertThat(offer.format()).doesNotContain("\n\n").contains("\r\n").doesNotContain("x-vendor");
    }

    @Test
    void severalFilesTlsAndSetup() {
        FileSelector sel = FileSelector.of("b \"quoted\".txt", "text/plain", 3);
        FileTransferOfferBuilder.FileOffer a = new FileTransferOfferBuilder.FileOffer(sel, "id-a", Direction.SENDONLY,
                List.of("*"), List.of(), Optional.empty(), Optional.empty(), Optional.of("i 1@h"), Optional.empty());
        SdpSession offer = new FileTransferOfferBuilder("2001:db8::1", 1, 2).setup(Setup.ACTPASS)
                .addFile(2855, true, List.of("msrps://[2001:db8::1]:2855/a;tcp"), a)
                .addFile(2855, true, List.of("msrps://[2001:db8::1]:2855/b;tcp"), a.withFileTransferId("id-b"))
                .build();
        assertThat(SdpValidator.validateFileTransferOffer(offer).isValid()).isTrue();
        assertThat(offer.fileTransferStreams()).containsExactly(0, 1);
        assertThat(offer.media(1).mediaLine().isSecureMsrp()).isTrue();
        assertThat(offer.media(0).setup()).contains(Setup.ACTPASS);
        assertThat(offer.sessionConnection().orElseThrow().addrType()).isEqualTo("IP6");
        assertThat(offer.media(0).fileSelector().orElseThrow().name()).contains("b \"quoted\".txt");
        assertThat(offer.media(0).fileIconContentId()).contains("i 1@h");
        assertThat(offer.media(1).fileTransferId()).contains("id-b");
    }

    @Test
    void rejectsIncompleteInput() {
        FileTransferOfferBuilder.FileOffer ok = FileTransferOfferBuilder.FileOffer.from(STORED);
        assertThatThrownBy(() -> new FileTransferOfferBuilder("bad host", 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileTransferOfferBuilder("h", 1, 1).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new FileTransferOfferBuilder("h", 1, 1).addFile(0, false, List.of("msrp://h:1/a;tcp"), ok))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileTransferOfferBuilder("h", 1, 1).addFile(1, false, List.of("nope"), ok))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileTransferOfferBuilder.FileOffer(ok.selector(), "x", Direction.SENDRECV, List.of("*"),
                List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FileTransferOfferBuilder.FileOffer(ok.selector(), "x", Direction.SENDONLY, List.of(),
                List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storedStreamWithoutAcceptTypesGetsWildcard() {
        SdpSession noTypes = SdpSession.parse("v=0\r\nm=message 1 TCP/MSRP *\r\na=sendonly\r\na=file-selector:size:1\r\na=file-transfer-id:q\r\n");
        assertThat(FileTransferOfferBuilder.FileOffer.from(FileTransferStream.of(noTypes, 0)).acceptTypes()).containsExactly("*");
    }
}
