package org.cpmft.msrp.relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.cpmft.msrp.codec.MsrpEncoder;
import org.cpmft.msrp.codec.MsrpFrameDecoder;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpObject;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpHeaderNames;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpStatusHeader;
import org.cpmft.msrp.message.TransactionIds;
import org.cpmft.msrp.message.MsrpUri;

/**
 * A scripted MSRP endpoint on 127.0.0.1 serving any session-id: answers binding SENDs with 200 and,
 * depending on {@link Behaviour}, data SENDs too; digests the bytes received per session.
 */
final class TestMsrpPeer implements AutoCloseable {
    /**
     * REPORT_FAILURE_THEN_CLOSE: answers the first data chunk 200 and sends a failure REPORT (413) for its
     * message, then closes the connection on the next data chunk.
     */
    enum Behaviour { ANSWER, IGNORE_DATA, CLOSE_ON_DATA, REFUSE_DATA, REPORT_FAILURE_THEN_CLOSE }

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel server;
    private final Behaviour behaviour;
    final AtomicInteger connections = new AtomicInteger();
    final Map<String, MessageDigest> digests = new ConcurrentHashMap<>();
    final Map<String, Long> bytes = new ConcurrentHashMap<>();
    final AtomicInteger completeMessages = new AtomicInteger();
    final List<MsrpRequestHead> heads = new CopyOnWriteArrayList<>();
    final List<ContinuationFlag> flags = new CopyOnWriteArrayList<>();

    TestMsrpPeer(Behaviour behaviour) {
        this.behaviour = behaviour;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new MsrpFrameDecoder(), new MsrpEncoder(), new Handler());
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    MsrpUri uri(String sessionId) {
        return MsrpUri.of(false, "127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort(), sessionId);
    }

    String sha256(String sessionId) {
        return HexFormat.of().formatHex(digests.get(sessionId).digest());
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<MsrpObject> {
        private MsrpRequestHead current;
        private boolean reported;

        Handler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpObject msg) throws Exception {
            if (msg instanceof MsrpRequestHead req) {
                heads.add(req);
                current = req.isSend() && req.hasBody() ? req : null;
                if (req.isSend() && !req.hasBody()) {
                    answer(ctx, req);
                } else if (current != null && (behaviour == Behaviour.CLOSE_ON_DATA
                        || behaviour == Behaviour.REPORT_FAILURE_THEN_CLOSE && reported)) {
                    ctx.close();
                }
            } else if (msg instanceof MsrpContent c) {
                if (current != null) {
                    String sid = current.toPath().get(0).sessionId();
                    MessageDigest d = digests.computeIfAbsent(sid, k -> sha());
                    d.update(c.content().nioBuffer());
                    bytes.merge(sid, (long) c.content().readableBytes(), Long::sum);
                    if (c instanceof LastMsrpContent last) {
                        flags.add(last.flag());
                        if (last.flag() == ContinuationFlag.COMPLETE) {
                            completeMessages.incrementAndGet();
                        }
                        if (behaviour == Behaviour.ANSWER) {
                            answer(ctx, current);
                        } else if (behaviour == Behaviour.REFUSE_DATA) {
                            answer(ctx, current, 415);
                        } else if (behaviour == Behaviour.REPORT_FAILURE_THEN_CLOSE && !reported) {
                            answer(ctx, current);
                            reportFailure(ctx, current, 413);
                            reported = true;
                        }
                        current = null;
                    }
                }
                c.release();
            } else if (msg instanceof MsrpResponseHead) {
                current = null;
            }
        }

        private void answer(ChannelHandlerContext ctx, MsrpRequestHead req) {
            answer(ctx, req, 200);
        }

        /** RFC 4975 section 7.1.2: a REPORT with an error Status for the message. */
        private void reportFailure(ChannelHandlerContext ctx, MsrpRequestHead req, int status) {
            MsrpHeaders h = new MsrpHeaders()
                    .add(MsrpHeaderNames.TO_PATH, req.headers().get(MsrpHeaderNames.FROM_PATH))
                    .add(MsrpHeaderNames.FROM_PATH, req.toPath().get(0).format())
                    .add(MsrpHeaderNames.MESSAGE_ID, req.messageId())
                    .add(MsrpHeaderNames.BYTE_RANGE, req.headers().get(MsrpHeaderNames.BYTE_RANGE))
                    .add(MsrpHeaderNames.STATUS, MsrpStatusHeader.of(status).format());
            ctx.write(new MsrpRequestHead(TransactionIds.next(), MsrpRequestHead.REPORT, h, false));
            ctx.writeAndFlush(LastMsrpContent.empty(ContinuationFlag.COMPLETE));
        }

        private void answer(ChannelHandlerContext ctx, MsrpRequestHead req, int status) {
            ctx.write(MsrpResponseHead.answer(req, status, req.toPath().get(0)));
            ctx.writeAndFlush(LastMsrpContent.empty(ContinuationFlag.COMPLETE));
        }

        private MessageDigest sha() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
