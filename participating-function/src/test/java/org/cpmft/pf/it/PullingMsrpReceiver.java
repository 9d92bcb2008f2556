package org.cpmft.pf.it;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
 * The MSRP side of a device that asked for a file itself (a pull or a resuming receiver, RFC 5547
 * sections 8.2 and 9): as the offerer it is the active side (RFC 4975 section 5.4), so it connects
 * to the PF's a=path, binds the connection with a body-less SEND, and then receives the SENDs the PF
 * plays, answering each chunk 200 and writing it at its Byte-Range position.
 */
final class PullingMsrpReceiver implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private byte[] file;
    private long firstOffset = -1;
    private long received;
    private long position;

    /**
     * Receives one file of {@code size} octets from the PF's path into the returned array (octets the
     * PF did not send stay 0).
     */
    byte[] receive(String pfPath, String ownPath, int size, Duration timeout) throws IOException, InterruptedException {
        file = new byte[size];
        List<MsrpUri> toPath = MsrpUri.parsePath(pfPath.trim());
        MsrpUri own = MsrpUri.parsePath(ownPath).get(0);
        Channel channel = connect(toPath.get(0), own);
        try {
            MsrpHeaders h = new MsrpHeaders()
                    .add(MsrpHeaderNames.TO_PATH, MsrpUri.formatPath(toPath))
                    .add(MsrpHeaderNames.FROM_PATH, ownPath)
                    .add(MsrpHeaderNames.MESSAGE_ID, TransactionIds.next())
                    .add(MsrpHeaderNames.BYTE_RANGE, new ByteRange(1, 0, 0).format());
            channel.write(new MsrpRequestHead(TransactionIds.next(), MsrpRequestHead.SEND, h, false));
            channel.writeAndFlush(LastMsrpContent.empty(ContinuationFlag.COMPLETE)); // the end-line
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return file;
        } catch (ExecutionException e) {
            throw new IOException("reception failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("file not complete within " + timeout + ": " + received + " octets from "
                    + firstOffset);
        } finally {
            channel.close();
        }
    }

    /** 0-based offset of the first octet the PF sent. */
    synchronized long firstOffset() {
        return firstOffset;
    }

    /** Body octets received in all. */
    synchronized long received() {
        return received;
    }

    private Channel connect(MsrpUri first, MsrpUri own) throws IOException {
        io.netty.channel.ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MsrpFrameDecoder(), new MsrpEncoder(),
                                new SimpleChannelInboundHandler<MsrpObject>() {
                                    private MsrpRequestHead send;

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, MsrpObject msg) {
                                        if (msg instanceof MsrpRequestHead r) {
                                            send = r.isSend() ? r : null;
                                            if (send != null && send.byteRange() != null) {
                                                chunkStarts(send.byteRange().start() - 1);
                                            }
                                        } else if (msg instanceof MsrpContent c && send != null) {
                                            take(c.content());
                                            if (c instanceof LastMsrpContent last) {
                                                boolean whole = last.flag() == ContinuationFlag.COMPLETE
                                                        && position == file.length;
                                                // Done once the last 200 is on the wire (closing before would lose it).
                                                ctx.write(MsrpResponseHead.answer(send, 200, own));
                                                ctx.writeAndFlush(LastMsrpContent.empty(ContinuationFlag.COMPLETE))
                                                        .addListener(w -> {
                                                            if (whole) {
                                                                done.complete(null);
                                                            }
                                                        });
                                                send = null;
                                            }
                                        }
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        done.completeExceptionally(new IOException("connection closed by the PF"));
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        done.completeExceptionally(cause);
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

    private synchronized void chunkStarts(long offset) {
        if (firstOffset < 0) {
            firstOffset = offset;
        }
        position = offset;
    }

    private synchronized void take(ByteBuf bytes) {
        int n = bytes.readableBytes();
        if (position + n > file.length) {
            done.completeExceptionally(new IOException("octets beyond the file at " + position));
            return;
        }
        bytes.readBytes(file, (int) position, n);
        position += n;
        received += n;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
