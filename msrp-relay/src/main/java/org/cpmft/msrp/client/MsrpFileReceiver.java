package org.cpmft.msrp.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.cpmft.msrp.codec.MsrpDecodingFailure;
import org.cpmft.msrp.codec.MsrpEncoder;
import org.cpmft.msrp.codec.MsrpFrameDecoder;
import org.cpmft.msrp.message.ByteRange;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.FailureReport;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpHead;
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
 * Receives one MSRP message into a file: listens passively for its session-id, answers each SEND,
 * writes each body piece at its Byte-Range position and completes once every byte of the message up
 * to the total announced by the final ({@code $}) chunk has been written.
 */
public final class MsrpFileReceiver implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MsrpFileReceiver.class);
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final String sessionId;
    private final Path out;
    private final FileChannel file;
    private final ReceiverOptions options;
    private final Channel server;
    private final MsrpUri localUri;
    private final CompletableFuture<ReceiveResult> result = new CompletableFuture<>();
    // Message state, guarded by "this" (connections may sit on the same loop, but keep it simple and safe).
    private final TreeMap<Long, Long> received = new TreeMap<>();
    private String messageId;
    private String contentType;
    private long total = -1;
    private int chunks;
    private long confirmed;
    private long bodyBytes;

    private MsrpFileReceiver(String host, int port, String sessionId, Path out, ReceiverOptions options)
            throws IOException {
        this.sessionId = sessionId;
        this.out = out;
        this.options = options;
        this.file = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class);
            if (options.socketReceiveBuffer() > 0) {
                bootstrap.childOption(ChannelOption.SO_RCVBUF, options.socketReceiveBuffer())
                        .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                                new FixedRecvByteBufAllocator(options.socketReceiveBuffer()));
            }
            this.server = bootstrap
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (options.tls() != null) {
                                ch.pipeline().addLast(options.tls().serverHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new MsrpFrameDecoder(), new MsrpEncoder(), new ReceiverHandler());
                        }
                    }).bind(host, port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            file.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        int boundPort = ((InetSocketAddress) server.localAddress()).getPort();
        this.localUri = MsrpUri.of(options.tls() != null, host, boundPort, sessionId);
    }

    public static MsrpFileReceiver listen(String host, int port, String sessionId, Path out) throws IOException {
        return listen(host, port, sessionId, out, ReceiverOptions.DEFAULT);
    }

    public static MsrpFileReceiver listen(String host, int port, String sessionId, Path out, ReceiverOptions options)
            throws IOException {
        return new MsrpFileReceiver(host, port, sessionId, out, options);
    }

    /** This endpoint's session URI, for the a=path it advertises. */
    public MsrpUri localUri() {
        return localUri;
    }

    public int port() {
        return localUri.port();
    }

    /**
     * Octets from the start of the message covered contiguously by chunks this receiver answered 200 (what
     * a sender or relay may count as delivered).
     */
    public synchronized long confirmedBytes() {
        return confirmed;
    }

    /** Waits until the whole message is written. */
    public ReceiveResult await(Duration timeout) throws IOException, TimeoutException {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        file.close();
        result.completeExceptionally(new IOException("receiver closed"));
    }

    private synchronized void write(ByteBuf bytes, long position) {
        try {
            long p = position;
            while (bytes.isReadable()) {
                int n = bytes.readBytes(file, p, bytes.readableBytes());
                p += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records [start, end) as received and completes the message when it is whole. */
    private synchronized boolean chunkReceived(MsrpRequestHead head, long start, long end, ContinuationFlag flag)
            throws IOException {
        if (messageId == null) {
            messageId = head.messageId();
            contentType = head.contentType();
        }
        chunks++;
        if (end > start) {
            Map.Entry<Long, Long> before = received.floorEntry(start);
            long s = start;
            long e = end;
            if (before != null && before.getValue() >= s) {
                s = before.getKey();
                e = Math.max(e, before.getValue());
            }
            Map.Entry<Long, Long> next;
            while ((next = received.ceilingEntry(s)) != null && next.getKey() <= e) {
                e = Math.max(e, next.getValue());
                received.remove(next.getKey());
            }
            received.put(s, e);
        }
        ByteRange range = head.byteRange();
        if (range != null && range.totalKnown()) {
            total = range.total();
        } else if (flag == ContinuationFlag.COMPLETE) {
            total = end;
        }
        Map.Entry<Long, Long> first = received.firstEntry();
        if (first != null && first.getKey() == 0) {
            confirmed = first.getValue();
        }
        boolean whole = total >= 0 && (total == 0 || (received.size() == 1 && received.firstKey() == 0
                && received.firstEntry().getValue() >= total));
        if (whole && !result.isDone() && flag != ContinuationFlag.ABORTED) {
            file.force(true);
            result.complete(new ReceiveResult(out, total, Sha256.ofFile(out), messageId, contentType, chunks));
            return true;
        }
        return false;
    }

    private final class ReceiverHandler extends SimpleChannelInboundHandler<MsrpObject> {
        private MsrpRequestHead current;
        private long position;
        private long chunkStart;

        ReceiverHandler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpObject msg) throws IOException {
            if (msg instanceof MsrpRequestHead req) {
                onRequest(ctx, req);
            } else if (msg instanceof MsrpContent c) {
                try {
                    onContent(ctx, c);
                } finally {
                    c.release();
                }
            } else if (msg instanceof MsrpResponseHead) {
                current = null;
            } else if (msg instanceof MsrpDecodingFailure f) {
                if (f.answerable() && f.headers().get(MsrpHeaderNames.FROM_PATH) != null) {
                    send(ctx, MsrpResponseHead.answer(f.transactionId(), f.headers().get(MsrpHeaderNames.FROM_PATH),
                            MsrpStatus.BAD_REQUEST, localUri));
                }
                if (f.framingLost()) {
                    ctx.close();
                }
            }
        }

        private void onRequest(ChannelHandlerContext ctx, MsrpRequestHead req) {
            LOG.debug("receiver {}: {}", sessionId, req);
            current = null;
            if (!sessionId.equals(req.toPath().get(0).sessionId())) {
                respond(ctx, req, MsrpStatus.SESSION_DOES_NOT_EXIST);
                return;
            }
            if (!req.isSend()) {
                return; // REPORTs are never answered (RFC 4975 section 7.1.2)
            }
            if (!req.hasBody()) {
                respond(ctx, req, MsrpStatus.OK); // connection binding SEND (RFC 4975 section 5.4)
                return;
            }
            ByteRange range = req.byteRange();
            current = req;
            chunkStart = range == null ? 0 : range.start() - 1;
            position = chunkStart;
        }

        private void onContent(ChannelHandlerContext ctx, MsrpContent c) throws IOException {
            if (current == null) {
                return;
            }
            int n = c.content().readableBytes();
            write(c.content(), position);
            position += n;
            if (options.dropAfterBytes() > 0 && (bodyBytes += n) >= options.dropAfterBytes()) {
                LOG.debug("receiver {}: dropping the connection after {} octets", sessionId, bodyBytes);
                current = null;
                ctx.channel().config().setAutoRead(false);
                ctx.close();
                return;
            }
            if (c instanceof LastMsrpContent last) {
                MsrpRequestHead req = current;
                current = null;
                boolean complete = chunkReceived(req, chunkStart, position, last.flag());
                LOG.debug("receiver {}: chunk {} done at {} complete={}", sessionId, req.transactionId(), position,
                        complete);
                respond(ctx, req, MsrpStatus.OK);
                if (complete && req.successReport()) {
                    send(ctx, successReport(req));
                }
            } else if (!options.readPause().isZero()) {
                ctx.channel().config().setAutoRead(false);
                ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true),
                        options.readPause().toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        private MsrpRequestHead successReport(MsrpRequestHead req) {
            MsrpHeaders h = new MsrpHeaders()
                    .add(MsrpHeaderNames.TO_PATH, req.headers().get(MsrpHeaderNames.FROM_PATH))
                    .add(MsrpHeaderNames.FROM_PATH, localUri.format())
                    .add(MsrpHeaderNames.MESSAGE_ID, req.messageId())
                    .add(MsrpHeaderNames.BYTE_RANGE, new ByteRange(1, total, total).format())
                    .add(MsrpHeaderNames.STATUS, MsrpStatusHeader.of(MsrpStatus.OK).format());
            return new MsrpRequestHead(TransactionIds.next(), MsrpRequestHead.REPORT, h, false);
        }

        private void respond(ChannelHandlerContext ctx, MsrpRequestHead req, int status) {
            FailureReport fr = req.failureReport();
            if (req.isReport() || fr == FailureReport.NO || (fr == FailureReport.PARTIAL && status == MsrpStatus.OK)) {
                return;
            }
            send(ctx, MsrpResponseHead.answer(req, status, localUri));
        }

        private void send(ChannelHandlerContext ctx, MsrpHead head) {
            ctx.write(head);
            ctx.writeAndFlush(LastMsrpContent.empty(ContinuationFlag.COMPLETE));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }
    }
}
