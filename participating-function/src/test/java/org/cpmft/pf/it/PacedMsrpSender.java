package org.cpmft.pf.it;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
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
 * The MSRP side of a file sender that sends one chunk at a time and waits for its response before
 * the next (Failure-Report yes, RFC 4975 section 7.1), so it knows exactly which octets the
 * receiving side acknowledged: the basis of "nothing acknowledged to the sender is lost" checks.
 * Real TCP to the PF's a=path, one connection, one message.
 */
final class PacedMsrpSender implements AutoCloseable {

    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(15);

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Map<String, CompletableFuture<MsrpResponseHead>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile long acknowledged;
    private volatile long cutAfter = Long.MAX_VALUE;

    /** Octets from the start of the file whose chunks were answered 200. */
    long acknowledged() {
        return acknowledged;
    }

    /**
     * Sends {@code content} as one message in chunks of {@code chunkSize}, pausing between chunks.
     *
     * @return the number of octets acknowledged, which is all of them
     * @throws IOException when a chunk is refused, the connection drops or a response does not come
     */
    long send(byte[] content, String pfPath, String ownPath, int chunkSize, Duration pause)
            throws IOException, InterruptedException {
        return send(content, 0, pfPath, ownPath, chunkSize, pause);
    }

    /**
     * Makes the next {@link #send} stop once at least {@code octets} are acknowledged: it writes the
     * head and half the body of the next chunk, then resets the connection (RST), as a sender whose
     * process is killed in the middle of a chunk.
     */
    void cutAfter(long octets) {
        this.cutAfter = octets;
    }

    /**
     * As {@link #send(byte[], String, String, int, Duration)} from the 0-based offset {@code from}
     * (a resumed transfer, RFC 5547 section 9): Byte-Range starts at {@code from + 1}.
     *
     * @return the octets from the start of the file acknowledged, which is all of them
     */
    long send(byte[] content, long from, String pfPath, String ownPath, int chunkSize, Duration pause)
            throws IOException, InterruptedException {
        List<MsrpUri> toPath = MsrpUri.parsePath(pfPath.trim());
        MsrpUri first = toPath.get(0);
        Channel channel = connect(first);
        try {
            String messageId = TransactionIds.next();
            long position = from;
            do {
                long end = Math.min(content.length, position + chunkSize);
                if (acknowledged >= cutAfter) {
                    cut(channel, toPath, ownPath, messageId, content, position, end);
                }
                String tid = TransactionIds.next();
                MsrpHeaders h = new MsrpHeaders()
                        .add(MsrpHeaderNames.TO_PATH, MsrpUri.formatPath(toPath))
                        .add(MsrpHeaderNames.FROM_PATH, ownPath)
                        .add(MsrpHeaderNames.MESSAGE_ID, messageId)
                        .add(MsrpHeaderNames.BYTE_RANGE, new ByteRange(position + 1, end, content.length).format())
                        .add(MsrpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                CompletableFuture<MsrpResponseHead> response = new CompletableFuture<>();
                pending.put(tid, response);
                channel.write(new MsrpRequestHead(tid, MsrpRequestHead.SEND, h, true));
                channel.writeAndFlush(new LastMsrpContent(Unpooled.wrappedBuffer(content, (int) position,
                        (int) (end - position)), end == content.length ? ContinuationFlag.COMPLETE
                        : ContinuationFlag.MORE));
                MsrpResponseHead r = await(response, tid);
                if (!r.isSuccess()) {
                    throw new IOException("chunk " + (position + 1) + "-" + end + " answered " + r.statusCode()
                            + " " + r.comment());
                }
                acknowledged = end;
                position = end;
                if (position < content.length && !pause.isZero()) {
                    Thread.sleep(pause.toMillis());
                }
            } while (position < content.length);
            return acknowledged;
        } finally {
            channel.close();
        }
    }

    private void cut(Channel channel, List<MsrpUri> toPath, String ownPath, String messageId, byte[] content,
                     long position, long end) throws IOException, InterruptedException {
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaderNames.TO_PATH, MsrpUri.formatPath(toPath))
                .add(MsrpHeaderNames.FROM_PATH, ownPath)
                .add(MsrpHeaderNames.MESSAGE_ID, messageId)
                .add(MsrpHeaderNames.BYTE_RANGE, new ByteRange(position + 1, end, content.length).format())
                .add(MsrpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        channel.write(new MsrpRequestHead(TransactionIds.next(), MsrpRequestHead.SEND, h, true));
        channel.writeAndFlush(new MsrpContent(Unpooled.wrappedBuffer(content, (int) position,
                        (int) ((end - position) / 2))))
                .awaitUninterruptibly(5, TimeUnit.SECONDS);
        Thread.sleep(200); // let the PF read the half chunk
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        throw new IOException("connection reset in the chunk starting at octet " + (position + 1));
    }

    private MsrpResponseHead await(CompletableFuture<MsrpResponseHead> response, String tid)
            throws IOException, InterruptedException {
        try {
            return CompletableFuture.anyOf(response, closed).thenApply(x -> (MsrpResponseHead) x)
                    .get(RESPONSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("no response to " + tid + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no response to " + tid + " within " + RESPONSE_TIMEOUT);
        } finally {
            pending.remove(tid);
        }
    }

    private Channel connect(MsrpUri first) throws IOException {
        io.netty.channel.ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MsrpFrameDecoder(), new MsrpEncoder(),
                                new SimpleChannelInboundHandler<MsrpObject>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, MsrpObject msg) {
                                        if (msg instanceof MsrpResponseHead r) {
                                            CompletableFuture<MsrpResponseHead> f = pending.get(r.transactionId());
                                            if (f != null) {
                                                f.complete(r);
                                            }
                                        }
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        closed.completeExceptionally(new IOException("connection closed by the PF"));
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        closed.completeExceptionally(cause);
                                        ctx.close();
                                    }
                                });
                    }
                }).connect(first.socketHost(), first.port());
        if (!f.awaitUninterruptibly(6, TimeUnit.SECONDS) || !f.isSuccess()) {
            throw new IOException("cannot connect to " + first, f.cause());
        }
        return f.channel();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
