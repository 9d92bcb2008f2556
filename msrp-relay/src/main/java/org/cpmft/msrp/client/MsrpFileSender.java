package org.cpmft.msrp.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
import org.cpmft.msrp.message.MsrpHeaderNames;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpObject;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpStatus;
import org.cpmft.msrp.message.MsrpStatusHeader;
import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.message.TransactionIds;
import org.cpmft.msrp.tls.MsrpTls;

/**
 * Sends one file as an MSRP message (RFC 4975): connects actively to the first hop of the To-Path and
 * sends the file as SEND chunks with Byte-Range, reading the file piece by piece as the connection can
 * take it, then waits for the answers the report headers ask for.
 */
public final class MsrpFileSender implements AutoCloseable {
    /** Chunk size meaning "the whole file in one SEND". */
    public static final int ONE_CHUNK = 0;
    public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
    private static final int PIECE_SIZE = 16 * 1024;

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final MsrpTls tls;

    /** A sender for {@code msrp} first hops only. */
    public MsrpFileSender() {
        this(null);
    }

    /** A sender that uses {@code tls.client()} when the first hop is an {@code msrps} URI. */
    public MsrpFileSender(MsrpTls tls) {
        this.tls = tls;
    }

    /** Sends with Failure-Report yes and no Success-Report. */
    public SendResult send(Path file, List<MsrpUri> toPath, MsrpUri fromPath, String contentType, int chunkSize,
                           Duration timeout) throws IOException, TimeoutException {
        return send(file, toPath, fromPath, SendOptions.of(contentType, chunkSize, timeout));
    }

    public SendResult send(Path file, List<MsrpUri> toPath, MsrpUri fromPath, SendOptions options)
            throws IOException, TimeoutException {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        MsrpUri firstHop = toPath.get(0);
        String messageId = options.messageId() != null ? options.messageId() : TransactionIds.next();
        SenderHandler handler = new SenderHandler(messageId);
        Channel channel = connect(firstHop, handler, options.timeout());
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long total = in.size();
            long chunkLength = options.chunkSize() == ONE_CHUNK ? Math.max(total, 1) : options.chunkSize();
            MessageDigest digest = Sha256.digest();
            long position = 0;
            int chunks = 0;
            do {
                long length = Math.min(chunkLength, total - position);
                String tid = TransactionIds.next();
                MsrpHeaders h = new MsrpHeaders()
                        .add(MsrpHeaderNames.TO_PATH, MsrpUri.formatPath(toPath))
                        .add(MsrpHeaderNames.FROM_PATH, fromPath.format())
                        .add(MsrpHeaderNames.MESSAGE_ID, messageId)
                        .add(MsrpHeaderNames.BYTE_RANGE, new ByteRange(position + 1, position + length, total).format());
                if (options.successReport()) {
                    h.add(MsrpHeaderNames.SUCCESS_REPORT, "yes");
                }
                if (options.failureReport() != FailureReport.YES) {
                    h.add(MsrpHeaderNames.FAILURE_REPORT, options.failureReport().headerValue());
                }
                h.add(MsrpHeaderNames.CONTENT_TYPE, options.contentType());
                if (options.failureReport() == FailureReport.YES) {
                    handler.expect(tid);
                }
                write(channel, handler, new MsrpRequestHead(tid, MsrpRequestHead.SEND, h, true), deadline);
                long end = position + length;
                while (position < end) {
                    int n = (int) Math.min(PIECE_SIZE, end - position);
                    ByteBuf piece = channel.alloc().buffer(n);
                    try {
                        while (piece.writableBytes() > 0 && piece.writerIndex() < n) {
                            if (piece.writeBytes(in, position + piece.writerIndex(), n - piece.writerIndex()) < 0) {
                                throw new IOException("file shrank while sending: " + file);
                            }
                        }
                        digest.update(piece.nioBuffer());
                    } catch (IOException | RuntimeException e) {
                        piece.release();
                        throw e;
                    }
                    position += n;
                    write(channel, handler, position == end
                            ? new LastMsrpContent(piece, end == total ? ContinuationFlag.COMPLETE : ContinuationFlag.MORE)
                            : new MsrpContent(piece), deadline);
                }
                if (length == 0) {
                    write(channel, handler, LastMsrpContent.empty(ContinuationFlag.COMPLETE), deadline);
                }
                chunks++;
            } while (position < total);
            channel.flush();
            handler.awaitResponses(deadline);
            if (options.successReport()) {
                handler.awaitSuccessReport(total, deadline);
            }
            return new SendResult(total, Sha256.hex(digest), chunks, messageId);
        } finally {
            channel.close();
        }
    }

    private Channel connect(MsrpUri firstHop, SenderHandler handler, Duration timeout)
            throws IOException, TimeoutException {
        if (firstHop.secure() && (tls == null || tls.client() == null)) {
            throw new IOException("first hop " + firstHop + " needs TLS but the sender has no TLS settings");
        }
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (firstHop.secure()) {
                            ch.pipeline().addLast(tls.clientHandler(ch.alloc(), firstHop.socketHost(),
                                    firstHop.port()));
                        }
                        ch.pipeline().addLast(new MsrpFrameDecoder(), new MsrpEncoder(), handler);
                    }
                });
        io.netty.channel.ChannelFuture f = b.connect(firstHop.socketHost(), firstHop.port());
        if (!f.awaitUninterruptibly(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            f.cancel(false);
            throw new TimeoutException("connect to " + firstHop + " timed out");
        }
        if (!f.isSuccess()) {
            throw new IOException("connect to " + firstHop + " failed", f.cause());
        }
        return f.channel();
    }

    /** Writes without letting the outbound buffer grow past the high water mark. */
    private static void write(Channel channel, SenderHandler handler, MsrpObject msg, long deadline)
            throws IOException, TimeoutException {
        handler.checkFailure();
        if (!channel.isActive()) {
            ReferenceCountUtil.release(msg);
            throw new IOException("connection closed by peer");
        }
        channel.write(msg);
        if (!channel.isWritable()) {
            channel.flush();
            handler.awaitWritable(channel, deadline);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class SenderHandler extends SimpleChannelInboundHandler<MsrpObject> {
        private final String messageId;
        private final Map<String, CompletableFuture<MsrpResponseHead>> responses = new ConcurrentHashMap<>();
        private final CompletableFuture<MsrpStatusHeader> successReport = new CompletableFuture<>();
        private volatile MsrpTransferException failure;
        private final Object writability = new Object();

        SenderHandler(String messageId) {
            super(false);
            this.messageId = messageId;
        }

        void expect(String tid) {
            responses.put(tid, new CompletableFuture<>());
        }

        void checkFailure() throws MsrpTransferException {
            if (failure != null) {
                throw failure;
            }
        }

        void awaitWritable(Channel channel, long deadline) throws IOException, TimeoutException {
            synchronized (writability) {
                while (!channel.isWritable()) {
                    checkFailure();
                    if (!channel.isActive()) {
                        throw new IOException("connection closed by peer");
                    }
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new TimeoutException("peer stopped reading");
                    }
                    try {
                        writability.wait(Math.min(left, 100));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
            }
        }

        void awaitResponses(long deadline) throws IOException, TimeoutException {
            for (Map.Entry<String, CompletableFuture<MsrpResponseHead>> e : responses.entrySet()) {
                MsrpResponseHead r = get(e.getValue(), deadline, "response to " + e.getKey());
                if (!r.isSuccess()) {
                    throw new MsrpTransferException(r.statusCode(), "for chunk " + e.getKey() + ": " + r.comment());
                }
            }
            checkFailure();
        }

        void awaitSuccessReport(long total, long deadline) throws IOException, TimeoutException {
            MsrpStatusHeader status = get(successReport, deadline, "success REPORT");
            if (status.code() != MsrpStatus.OK) {
                throw new MsrpTransferException(status.code(), "REPORT: " + status.comment());
            }
        }

        private <T> T get(CompletableFuture<T> f, long deadline, String what) throws IOException, TimeoutException {
            try {
                return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                checkFailure();
                throw new TimeoutException("no " + what + " in time");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        private void fail(MsrpTransferException e) {
            if (failure == null) {
                failure = e;
            }
            responses.values().forEach(f -> f.completeExceptionally(e));
            successReport.completeExceptionally(e);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpObject msg) {
            if (msg instanceof MsrpResponseHead r) {
                CompletableFuture<MsrpResponseHead> f = responses.get(r.transactionId());
                if (f != null) {
                    f.complete(r);
                } else if (!r.isSuccess()) {
                    // Failure-Report partial: only negative responses arrive.
                    fail(new MsrpTransferException(r.statusCode(), r.comment() == null ? "" : r.comment()));
                }
            } else if (msg instanceof MsrpRequestHead req) {
                onRequest(ctx, req);
            } else if (msg instanceof MsrpContent c) {
                c.release();
            } else if (msg instanceof MsrpDecodingFailure f && f.framingLost()) {
                fail(new MsrpTransferException(0, "peer sent undecodable data: " + f.reason()));
                ctx.close();
            }
        }

        private void onRequest(ChannelHandlerContext ctx, MsrpRequestHead req) {
            if (req.isReport() && messageId.equals(req.messageId()) && req.status() != null) {
                MsrpStatusHeader status = req.status();
                if (status.code() == MsrpStatus.OK) {
                    ByteRange range = req.byteRange();
                    if (range == null || !range.endKnown() || !range.totalKnown() || range.end() == range.total()) {
                        successReport.complete(status);
                    }
                } else {
                    fail(new MsrpTransferException(status.code(), "failure REPORT: " + status.comment()));
                }
            } else if (req.isSend() && req.failureReport() == FailureReport.YES) {
                // Not expecting data on this connection; acknowledge so the peer is not left waiting.
                ctx.write(MsrpResponseHead.answer(req, MsrpStatus.OK, req.toPath().get(0)));
                ctx.writeAndFlush(LastMsrpContent.empty(ContinuationFlag.COMPLETE));
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            synchronized (writability) {
                writability.notifyAll();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // Only what is still outstanding fails; answers already received stand.
            MsrpTransferException closed = new MsrpTransferException(0, "connection closed by peer");
            responses.values().forEach(f -> f.completeExceptionally(closed));
            successReport.completeExceptionally(closed);
            synchronized (writability) {
                writability.notifyAll();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(new MsrpTransferException(0, "I/O error: " + cause));
            ctx.close();
        }
    }
}
