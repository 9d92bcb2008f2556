package org.cpmft.store.content;

import java.util.UUID;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.StoreConfig;

/**
 * Child JVM of the crash test: writes and flushes part of a file, writes some more without
 * flushing, reports the durable position, and dies without any shutdown (as on kill -9).
 */
public final class CrashingWriterMain {
    private CrashingWriterMain() {
    }

    public static void main(String[] args) {
        StoreConfig config = new StoreConfig(args[0], args[1], args[2], 2, Integer.parseInt(args[3]));
        UUID id = UUID.fromString(args[4]);
        int flushAt = Integer.parseInt(args[5]);
        int unflushed = Integer.parseInt(args[6]);
        byte[] source = ContentStoreContract.random(Integer.parseInt(args[7]), Long.parseLong(args[8]));
        int flushEvery = args.length > 9 ? Integer.parseInt(args[9]) : flushAt; // as the relay: per SEND chunk

        DeferredStore store = DeferredStore.open(config);
        ContentWriter w = store.content().openWriter(id, 0);
        for (int pos = 0; pos < flushAt; ) {
            int n = Math.min(flushEvery, flushAt - pos);
            w.write(source, pos, n);
            w.flush();
            pos += n;
        }
        w.write(source, flushAt, unflushed);
        System.out.println("DURABLE " + w.durablePosition() + " WRITTEN " + w.position());
        System.out.flush();
        Runtime.getRuntime().halt(137);
    }
}
