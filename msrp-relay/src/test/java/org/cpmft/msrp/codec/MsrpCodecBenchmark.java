package org.cpmft.msrp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Decode and encode throughput of one SEND chunk. Decoding feeds the frame in TCP-sized segments
 * (or whole) the way ByteToMessageDecoder sees it; the score is per chunk, bytes/s follow from the
 * body size. Run: see docs/msrp-relay.md ("Benchmark").
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MsrpCodecBenchmark {
    @Param({"1024", "65536"})
    int bodySize;

    @Param({"1460", "0"})
    int segmentSize;

    private byte[] wire;
    private MsrpRequestHead head;
    private byte[] body;
    private EmbeddedChannel encoderChannel;

    @Setup(Level.Trial)
    public void setUp() {
        body = new byte[bodySize];
        new Random(1).nextBytes(body);
        head = new MsrpRequestHead("bench1234", "SEND", new MsrpHeaders()
                .add("To-Path", "msrp://relay.example.net:2855/aaaaaaaaaaaaaaaaaaaa;tcp")
                .add("From-Path", "msrp://client.example.net:49152/bbbbbbbbbbbbbbbb;tcp")
                .add("Message-ID", "m4f3a2b1c0d9e8f7")
                .add("Byte-Range", "1-" + bodySize + "/" + bodySize)
                .add("Content-Type", "application/octet-stream"), true);
        String headText = "MSRP bench1234 SEND\r\n" + "To-Path: msrp://relay.example.net:2855/aaaaaaaaaaaaaaaaaaaa;tcp\r\n"
                + "From-Path: msrp://client.example.net:49152/bbbbbbbbbbbbbbbb;tcp\r\n"
                + "Message-ID: m4f3a2b1c0d9e8f7\r\nByte-Range: 1-" + bodySize + "/" + bodySize
                + "\r\nContent-Type: application/octet-stream\r\n\r\n";
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(headText.getBytes(StandardCharsets.US_ASCII)).writeBytes(body)
                .writeBytes("\r\n-------bench1234$\r\n".getBytes(StandardCharsets.US_ASCII));
        wire = new byte[b.readableBytes()];
        b.readBytes(wire);
        encoderChannel = new EmbeddedChannel(new MsrpEncoder());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoderChannel.finishAndReleaseAll();
    }

    @Benchmark
    public int decode() {
        MsrpFrameDecoder decoder = new MsrpFrameDecoder();
        List<Object> out = new ArrayList<>();
        ByteBuf in = PooledByteBufAllocator.DEFAULT.buffer(wire.length);
        int objects = 0;
        try {
            int step = segmentSize == 0 ? wire.length : segmentSize;
            for (int pos = 0; pos < wire.length; pos += step) {
                in.writeBytes(wire, pos, Math.min(step, wire.length - pos));
                decoder.decode(null, in, out);
                objects += out.size();
                for (Object o : out) {
                    ReferenceCountUtil.release(o);
                }
                out.clear();
            }
        } finally {
            in.release();
        }
        return objects;
    }

    @Benchmark
    public int encode() {
        encoderChannel.writeOutbound(head, new LastMsrpContent(Unpooled.wrappedBuffer(body), ContinuationFlag.COMPLETE));
        int bytes = 0;
        ByteBuf b;
        while ((b = encoderChannel.readOutbound()) != null) {
            bytes += b.readableBytes();
            b.release();
        }
        return bytes;
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(MsrpCodecBenchmark.class.getSimpleName()).build()).run();
    }
}
