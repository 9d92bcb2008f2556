package org.cpmft.pf.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoreStreamSourceTest {

    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> new Thread(r, "store-reader"));
    private final List<String> opens = new ArrayList<>();

    @AfterEach
    void stop() {
        reader.shutdownNow();
    }

    private StoreStreamSource source(byte[] file, int storedLength) {
        return new StoreStreamSource(file.length, "image/jpeg", "m1", from -> {
            synchronized (opens) {
                opens.add(Thread.currentThread().getName() + "@" + from);
            }
            return new ByteArrayInputStream(file, (int) from, Math.max(0, storedLength - (int) from));
        }, reader);
    }

    private static byte[] file(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    /** Reads like the relay: 16 KiB pieces from {@code from} to the end. */
    private static byte[] play(StoreStreamSource s, long from) throws IOException {
        byte[] out = new byte[(int) (s.size() - from)];
        long pos = from;
        while (pos < s.size()) {
            ByteBuf piece = Unpooled.buffer(16 * 1024, 16 * 1024);
            int n = s.read(pos, piece);
            assertThat(n).isPositive();
            piece.readBytes(out, (int) (pos - from), n);
            pos += n;
        }
        return out;
    }

    @Test
    void aFileOfSeveralWindowsIsPlayedWholeAndReadOnTheReaderThread() throws Exception {
        byte[] f = file(3 * StoreStreamSource.WINDOW + 1234);
        StoreStreamSource s = source(f, f.length);
        s.prefetch(0).get();
        assertThat(play(s, 0)).isEqualTo(f);
        assertThat(s.read(f.length, Unpooled.buffer(10))).isEqualTo(-1);
        // One sequential stream, opened once, on the reader: the relay's thread never opened it.
        assertThat(opens).containsExactly("store-reader@0");
        s.close();
    }

    @Test
    void aResumedPlayStartsAtItsOffset() throws Exception {
        byte[] f = file(StoreStreamSource.WINDOW + 500);
        StoreStreamSource s = source(f, f.length);
        long from = 70_000;
        s.prefetch(from).get();
        assertThat(play(s, from)).isEqualTo(Arrays.copyOfRange(f, (int) from, f.length));
        assertThat(opens).containsExactly("store-reader@" + from);
    }

    @Test
    void anOffsetOtherThanTheNextOneIsReadWhereTheRelayAsks() throws Exception {
        byte[] f = file(100_000);
        StoreStreamSource s = source(f, f.length);
        s.prefetch(0).get();
        ByteBuf piece = Unpooled.buffer(1000, 1000);
        assertThat(s.read(90_000, piece)).isEqualTo(1000);
        assertThat(piece.array()).isEqualTo(Arrays.copyOfRange(f, 90_000, 91_000));
        ByteBuf again = Unpooled.buffer(1000, 1000);
        assertThat(s.read(0, again)).isEqualTo(1000); // back to the start: still correct
        assertThat(again.array()).isEqualTo(Arrays.copyOfRange(f, 0, 1000));
    }

    @Test
    void contentEndingBeforeTheFileSizeFailsTheRead() throws Exception {
        byte[] f = file(StoreStreamSource.WINDOW + 10_000);
        StoreStreamSource s = source(f, StoreStreamSource.WINDOW);
        s.prefetch(0).get();
        assertThatThrownBy(() -> play(s, 0)).isInstanceOf(IOException.class).hasMessageContaining("ends at");
    }

    @Test
    void anEmptyFileNeedsNoRead() throws Exception {
        StoreStreamSource s = source(new byte[0], 0);
        s.prefetch(0).get();
        assertThat(s.read(0, Unpooled.buffer(10))).isEqualTo(-1);
        assertThat(opens).isEmpty();
    }

    @Test
    void aClosedSourceReadsNoMore() throws Exception {
        byte[] f = file(StoreStreamSource.WINDOW * 2);
        StoreStreamSource s = source(f, f.length);
        s.close();
        assertThatThrownBy(() -> s.read(0, Unpooled.buffer(10))).isInstanceOf(IOException.class);
    }
}
