package org.cpmft.msrp.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.cpmft.msrp.codec.MsrpEncoder;
import org.cpmft.msrp.codec.MsrpFrameDecoder;
import org.cpmft.msrp.message.ByteRange;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpHeaderNames;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpObject;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.message.TransactionIds;

/**
 * The sending endpoint of the benchmarks: many concurrent MSRP sessions, one TCP connection each,
 * multiplexed on the caller's event loop. Each session sends one message the way
 * {@link org.cpmft.msrp.client.MsrpFileSender} does (SEND chunks with Byte-Range, 16 KiB body pieces,
 * writing only while the connection is writable) and in addition keeps at most
 * {@link SessionPlan#window()} chunks unanswered, and times each chunk from the moment its last byte
 * is handed to the kernel to the moment its 200 is decoded.
 */
final class BenchSender {
    private static final int PIECE_SIZE = 16 * 1024;
    private static final int CONNECT_BATCH = 256;

    private final EventLoopGroup group;
    private final PayloadPattern pattern;

    /** @param group event loop for every session; one thread keeps the latency histogram single-writer */
    BenchSender(EventLoopGroup group, PayloadPattern pattern) {
        this.group = group;
        this.pattern = pattern;
    }

    /**
     * Connects every session, then starts them together and waits until each message is answered or
     * the deadline passes.
     *
     * @param hashFirst compute the SHA-256 of what the first session sends
     */
    SendRun run(List<SessionPlan> plans, boolean hashFirst, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(600), 3);
        AtomicLong lastAnswer = new AtomicLong();
        List<Session> sessions = new ArrayList<>(plans.size());
        for (int i = 0; i < plans.size(); i++) {
            sessions.add(new Session(plans.get(i), latency, lastAnswer, hashFirst && i == 0, false));
        }
        try {
            connectAll(sessions, deadline);
            long start = System.nanoTime();
            for (Session s : sessions) {
                s.channel.eventLoop().execute(s::pump);
            }
            int failures = 0;
            long bytes = 0;
            long chunks = 0;
            for (Session s : sessions) {
                try {
                    s.done.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                    failures++;
                }
            }
            // Counters are written on the event loop; read them there so the values are current.
            long[] totals = sessions.get(0).channel.eventLoop().submit(() -> {
                long b = 0;
                long c = 0;
                for (Session s : sessions) {
                    b += s.ackedBytes;
                    c += s.ackedChunks;
                }
                return new long[] {b, c};
            }).get(10, TimeUnit.SECONDS);
            bytes = totals[0];
            chunks = totals[1];
            Histogram copy = sessions.get(0).channel.eventLoop().submit(latency::copy).get(10, TimeUnit.SECONDS);
            String sha = hashFirst ? sessions.get(0).sha256() : null;
            long end = Math.max(lastAnswer.get(), start + 1);
            return new SendRun(bytes, chunks, end - start, copy, failures, sha);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        } finally {
            closeAll(sessions);
        }
    }

    /**
     * Opens one connection per path and binds it with a body-less SEND (RFC 4975 section 5.4), leaving
     * it open and idle. Close the returned channels when done.
     */
    List<Channel> openIdle(List<List<MsrpUri>> toPaths, List<MsrpUri> fromPaths, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Session> sessions = new ArrayList<>(toPaths.size());
        for (int i = 0; i < toPaths.size(); i++) {
            SessionPlan plan = new SessionPlan(toPaths.get(i), fromPaths.get(i), 1, 1, 1, 0);
            sessions.add(new Session(plan, null, null, false, true));
        }
        try {
            for (int from = 0; from < sessions.size(); from += CONNECT_BATCH) {
                List<Session> batch = sessions.subList(from, Math.min(sessions.size(), from + CONNECT_BATCH));
                connectAll(batch, deadline);
                for (Session s : batch) {
                    s.channel.eventLoop().execute(s::pump);
                }
                for (Session s : batch) {
                    s.done.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            closeAll(sessions);
            throw new IOException("binding SEND failed", e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            closeAll(sessions);
            throw e;
        }
        List<Channel> channels = new ArrayList<>(sessions.size());
        for (Session s : sessions) {
            channels.add(s.channel);
        }
        return channels;
    }

    private void connectAll(List<Session> sessions, long deadline)
            throws IOException, TimeoutException, InterruptedException {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        for (int from = 0; from < sessions.size(); from += CONNECT_BATCH) {
            List<ChannelFuture> batch = new ArrayList<>();
            for (Session s : sessions.subList(from, Math.min(sessions.size(), from + CONNECT_BATCH))) {
                MsrpUri firstHop = s.plan.toPath().get(0);
                ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MsrpFrameDecoder(), new MsrpEncoder(), s);
                    }
                }).connect(s.plan.connectPort() > 0 ? "127.0.0.1" : firstHop.socketHost(),
                        s.plan.connectPort() > 0 ? s.plan.connectPort() : firstHop.port());
                s.channel = f.channel();
                batch.add(f);
            }
            for (ChannelFuture f : batch) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !f.await(left)) {
                    throw new TimeoutException("connect timed out");
                }
                if (!f.isSuccess()) {
                    throw new IOException("connect failed", f.cause());
                }
            }
        }
    }

    private static void closeAll(List<Session> sessions) {
        for (Session s : sessions) {
            if (s.channel != null) {
                s.channel.close();
            }
        }
        for (Session s : sessions) {
            if (s.channel != null) {
                s.channel.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    /** One session; all its state lives on its channel's event loop. */
    private final class Session extends SimpleChannelInboundHandler<MsrpObject> {
        final SessionPlan plan;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final Histogram latency;
        private final AtomicLong lastAnswer;
        private final boolean bindOnly;
        private final String toPath;
        private final String fromPath;
        private final String messageId = TransactionIds.next();
        private final MessageDigest digest;
        private final Map<String, long[]> outstanding = new HashMap<>(); // tid -> {length, written at}
        volatile Channel channel;
        private long position;
        private long chunkEnd;
        private boolean inChunk;
        private String chunkTid;
        private boolean bindSent;
        long ackedBytes;
        long ackedChunks;

        Session(SessionPlan plan, Histogram latency, AtomicLong lastAnswer, boolean hashing, boolean bindOnly) {
            super(false);
            this.plan = plan;
            this.latency = latency;
            this.lastAnswer = lastAnswer;
            this.bindOnly = bindOnly;
            this.toPath = MsrpUri.formatPath(plan.toPath());
            this.fromPath = plan.fromPath().format();
            try {
                this.digest = hashing ? MessageDigest.getInstance("SHA-256") : null;
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }

        void pump() {
            if (done.isDone() || !channel.isActive()) {
                return;
            }
            if (bindOnly) {
                if (!bindSent) {
                    bindSent = true;
                    String tid = TransactionIds.next();
                    outstanding.put(tid, new long[] {0, System.nanoTime()});
                    channel.write(new MsrpRequestHead(tid, MsrpRequestHead.SEND,
                            headers(new ByteRange(1, 0, 0)), false), channel.voidPromise());
                    channel.writeAndFlush(LastMsrpContent.empty(ContinuationFlag.COMPLETE), channel.voidPromise());
                }
                return;
            }
            while (channel.isWritable()) {
                if (inChunk) {
                    writePiece();
                } else if (position < plan.bytes() && outstanding.size() < plan.window()) {
                    startChunk();
                } else {
                    break;
                }
            }
            channel.flush();
        }

        private MsrpHeaders headers(ByteRange range) {
            return new MsrpHeaders()
                    .add(MsrpHeaderNames.TO_PATH, toPath)
                    .add(MsrpHeaderNames.FROM_PATH, fromPath)
                    .add(MsrpHeaderNames.MESSAGE_ID, messageId)
                    .add(MsrpHeaderNames.BYTE_RANGE, range.format());
        }

        private void startChunk() {
            chunkTid = TransactionIds.next();
            chunkEnd = Math.min(position + plan.chunkSize(), plan.bytes());
            MsrpHeaders h = headers(new ByteRange(position + 1, chunkEnd, plan.bytes()))
                    .add(MsrpHeaderNames.CONTENT_TYPE, "application/octet-stream");
            outstanding.put(chunkTid, new long[] {chunkEnd - position, 0});
            channel.write(new MsrpRequestHead(chunkTid, MsrpRequestHead.SEND, h, true), channel.voidPromise());
            inChunk = true;
        }

        private void writePiece() {
            int n = (int) Math.min(PIECE_SIZE, chunkEnd - position);
            ByteBuf piece = pattern.slice(position, n);
            if (digest != null) {
                digest.update(piece.nioBuffer());
            }
            position += n;
            if (position < chunkEnd) {
                channel.write(new MsrpContent(piece), channel.voidPromise());
                return;
            }
            long[] entry = outstanding.get(chunkTid);
            ChannelPromise written = channel.newPromise();
            written.addListener(f -> {
                if (f.isSuccess()) {
                    entry[1] = System.nanoTime();
                } else {
                    fail(f.cause());
                }
            });
            ContinuationFlag flag = chunkEnd == plan.bytes() ? ContinuationFlag.COMPLETE : ContinuationFlag.MORE;
            channel.write(new LastMsrpContent(piece, flag), written);
            inChunk = false;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpObject msg) {
            if (msg instanceof MsrpResponseHead r) {
                long[] entry = outstanding.remove(r.transactionId());
                if (entry == null) {
                    return;
                }
                if (!r.isSuccess()) {
                    fail(new IOException("chunk answered " + r.statusCode() + " " + r.comment()));
                    return;
                }
                if (bindOnly) {
                    done.complete(null);
                    return;
                }
                long now = System.nanoTime();
                if (entry[1] != 0) {
                    latency.recordValue(Math.min(latency.getHighestTrackableValue(), now - entry[1]));
                }
                ackedBytes += entry[0];
                ackedChunks++;
                lastAnswer.accumulateAndGet(now, Math::max);
                if (position >= plan.bytes() && !inChunk && outstanding.isEmpty()) {
                    done.complete(null);
                } else {
                    pump();
                }
            } else if (msg instanceof MsrpContent c) {
                c.release();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                pump();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(new IOException("connection closed by peer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        private void fail(Throwable cause) {
            done.completeExceptionally(cause);
        }
    }
}
