package org.cpmft.pf.it;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.cpmft.msrp.codec.MsrpEncoder;
import org.cpmft.msrp.codec.MsrpFrameDecoder;
import org.cpmft.msrp.message.ByteRange;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.FailureReport;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpHeaderNames;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpObject;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpStatus;
import org.cpmft.msrp.message.MsrpStatusHeader;
import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.message.TransactionIds;

/**
 * The MSRP side of a recipient with many devices' worth of sessions: one TCP listener on
 * 127.0.0.1 that takes every session id a SIPp UAS advertised in its answer (RFC 4975 section 6:
 * the session id is the last part of the URI; the PF's relay reuses one connection for several
 * sessions to the same host and port, section 5.4 and RFC 6135), one file per session. Each SEND
 * chunk is kept at its Byte-Range position and answered 200 once fully read (section 7.1), so
 * what the PF counts as delivered is what arrived here. Optionally paced, to keep a delivery in
 * progress long enough to crash the PF under it.
 */
final class MsrpRecipient implements AutoCloseable {

    /**
     * What one session brought: {@code octets} of body in all, whole chunks covering
     * [{@code firstOffset}, {@code contiguousEnd}) (a resumed file starts after 0), complete when
     * they reach the Byte-Range total; {@code sha256} of the file when it came whole from octet 0.
     */
    record Session(String sessionId, String messageId, long octets, long firstOffset, long contiguousEnd, long total,
                   boolean complete, String sha256) {
    }

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private volatile long bytesPerSecond;
    private final Channel server;
    private final int port;
    private final Map<String, Received> sessions = new LinkedHashMap<>();

    private MsrpRecipient(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class);
        if (bytesPerSecond > 0) {
            // A small socket buffer so the pace here is the pace of the sender, not of the kernel's buffering.
            b.childOption(ChannelOption.SO_RCVBUF, 16 * 1024)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(8 * 1024));
        }
        server = b.childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new MsrpFrameDecoder(), new MsrpEncoder(), new Handler());
            }
        }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** A recipient reading as fast as it can. */
    static MsrpRecipient listen() {
        return new MsrpRecipient(0);
    }

    /** A recipient reading at most about {@code bytesPerSecond}. */
    static MsrpRecipient paced(long bytesPerSecond) {
        return new MsrpRecipient(bytesPerSecond);
    }

    /** Reads as fast as it can from now on (the small socket buffer of a paced recipient stays). */
    void unpace() {
        bytesPerSecond = 0;
    }

    int port() {
        return port;
    }

    synchronized List<Session> sessions() {
        List<Session> out = new ArrayList<>();
        sessions.forEach((id, r) -> out.add(r.snapshot(id)));
        return out;
    }

    synchronized List<Session> completed() {
        return sessions().stream().filter(Session::complete).toList();
    }

    /** Body octets that arrived in all sessions so far. */
    synchronized long octets() {
        return sessions.values().stream().mapToLong(r -> r.octets).sum();
    }

    /** Waits until the sessions satisfy the condition; fails with what arrived when they do not in time. */
    List<Session> await(Predicate<List<Session>> condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                List<Session> now = sessions();
                if (condition.test(now)) {
                    return now;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("MSRP recipient: " + what + " did not happen within " + timeout
                            + "; sessions: " + now);
                }
                wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200));
            }
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private synchronized void content(String sessionId, MsrpRequestHead head, long offset, byte[] bytes) {
        Received r = sessions.computeIfAbsent(sessionId, k -> new Received());
        r.write(head, offset, bytes);
        notifyAll();
    }

    private synchronized void chunkEnd(String sessionId, MsrpRequestHead head, long start, long end,
                                       ContinuationFlag flag) {
        Received r = sessions.computeIfAbsent(sessionId, k -> new Received());
        r.chunkDone(head, start, end, flag);
        notifyAll();
    }

    /** One session's message: content by position, and which ranges are whole (answered) chunks. */
    private static final class Received {
        String messageId;
        long total = -1;
        long octets;
        byte[] data = new byte[0];
        final TreeMap<Long, Long> ranges = new TreeMap<>();
        boolean aborted;

        void write(MsrpRequestHead head, long offset, byte[] bytes) {
            if (messageId == null) {
                messageId = head.messageId();
            }
            long need = offset + bytes.length;
            if (need > data.length) {
                ByteRange br = head.byteRange();
                long capacity = Math.max(need, br != null && br.totalKnown() ? br.total() : 0);
                data = java.util.Arrays.copyOf(data, Math.toIntExact(Math.max(capacity, data.length * 2L)));
            }
            System.arraycopy(bytes, 0, data, (int) offset, bytes.length);
            octets += bytes.length;
        }

        void chunkDone(MsrpRequestHead head, long start, long end, ContinuationFlag flag) {
            if (messageId == null) {
                messageId = head.messageId();
            }
            if (flag == ContinuationFlag.ABORTED) {
                aborted = true;
                return;
            }
            ByteRange br = head.byteRange();
            if (br != null && br.totalKnown()) {
                total = br.total();
            } else if (flag == ContinuationFlag.COMPLETE) {
                total = end;
            }
            if (end <= start) {
                return;
            }
            long s = start;
            long e = end;
            Map.Entry<Long, Long> before = ranges.floorEntry(s);
            if (before != null && before.getValue() >= s) {
                s = before.getKey();
                e = Math.max(e, before.getValue());
            }
            Map.Entry<Long, Long> next;
            while ((next = ranges.ceilingEntry(s)) != null && next.getKey() <= e) {
                e = Math.max(e, next.getValue());
                ranges.remove(next.getKey());
            }
            ranges.put(s, e);
        }

        Session snapshot(String id) {
            long first = ranges.isEmpty() ? 0 : ranges.firstKey();
            long contiguous = ranges.isEmpty() ? 0 : ranges.firstEntry().getValue();
            boolean complete = !aborted && total >= 0 && ranges.size() <= 1 && contiguous >= total;
            String sha = complete && first == 0 ? sha256(data, (int) total) : null;
            return new Session(id, messageId, octets, first, contiguous, total, complete, sha);
        }
    }

    static String sha256(byte[] bytes, int length) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(bytes, 0, length);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<MsrpObject> {
        private MsrpRequestHead current;
        private String sessionId;
        private long chunkStart;
        private long position;
        private long pacedUntil = System.nanoTime();

        Handler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpObject msg) {
            if (msg instanceof MsrpRequestHead req) {
                request(ctx, req);
            } else if (msg instanceof MsrpContent c) {
                try {
                    content(ctx, c);
                } finally {
                    c.release();
                }
            } else if (msg instanceof MsrpResponseHead) {
                current = null;
            }
        }

        private void request(ChannelHandlerContext ctx, MsrpRequestHead req) {
            current = null;
            if (!req.isSend()) {
                return; // REPORTs are never answered (RFC 4975 section 7.1.2)
            }
            if (!req.hasBody()) {
                respond(ctx, req, MsrpStatus.OK); // binds the connection to the session (section 5.4)
                return;
            }
            current = req;
            sessionId = req.toPath().get(req.toPath().size() - 1).sessionId();
            ByteRange range = req.byteRange();
            chunkStart = range == null ? 0 : range.start() - 1;
            position = chunkStart;
        }

        private void content(ChannelHandlerContext ctx, MsrpContent c) {
            if (current == null) {
                return;
            }
            int n = c.content().readableBytes();
            byte[] bytes = new byte[n];
            c.content().readBytes(bytes);
            MsrpRecipient.this.content(sessionId, current, position, bytes);
            position += n;
            if (c instanceof LastMsrpContent last) {
                MsrpRequestHead req = current;
                current = null;
                chunkEnd(sessionId, req, chunkStart, position, last.flag());
                if (last.flag() != ContinuationFlag.ABORTED) {
                    respond(ctx, req, MsrpStatus.OK);
                    if (req.successReport() && last.flag() == ContinuationFlag.COMPLETE) {
                        ctx.write(successReport(req));
                        ctx.writeAndFlush(LastMsrpContent.empty(ContinuationFlag.COMPLETE));
                    }
                }
            }
            long pace = bytesPerSecond;
            if (pace > 0 && n > 0) {
                // One read can bring many pieces: the pauses add up, so the pace holds however the
                // sender batches its writes.
                long now = System.nanoTime();
                pacedUntil = Math.max(pacedUntil, now) + n * 1_000_000_000L / pace;
                ctx.channel().config().setAutoRead(false);
                ctx.executor().schedule(() -> {
                    if (System.nanoTime() - pacedUntil >= 0) {
                        ctx.channel().config().setAutoRead(true);
                    }
                }, pacedUntil - now, TimeUnit.NANOSECONDS);
            }
        }

        private MsrpRequestHead successReport(MsrpRequestHead req) {
            ByteRange range = req.byteRange();
            long total = range != null && range.totalKnown() ? range.total() : position;
            MsrpHeaders h = new MsrpHeaders()
                    .add(MsrpHeaderNames.TO_PATH, req.headers().get(MsrpHeaderNames.FROM_PATH))
                    .add(MsrpHeaderNames.FROM_PATH, req.toPath().get(req.toPath().size() - 1).format())
                    .add(MsrpHeaderNames.MESSAGE_ID, req.messageId())
                    .add(MsrpHeaderNames.BYTE_RANGE, new ByteRange(1, total, total).format())
                    .add(MsrpHeaderNames.STATUS, MsrpStatusHeader.of(MsrpStatus.OK).format());
            return new MsrpRequestHead(TransactionIds.next(), MsrpRequestHead.REPORT, h, false);
        }

        private void respond(ChannelHandlerContext ctx, MsrpRequestHead req, int status) {
            FailureReport fr = req.failureReport();
            if (fr == FailureReport.NO || (fr == FailureReport.PARTIAL && status == MsrpStatus.OK)) {
                return; // section 7.1.2: no response for these
            }
            MsrpUri self = req.toPath().get(req.toPath().size() - 1);
            ctx.write(MsrpResponseHead.answer(req, status, self));
            ctx.writeAndFlush(LastMsrpContent.empty(ContinuationFlag.COMPLETE));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
