package org.cpmft.msrp.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cpmft.msrp.codec.MsrpDecodingFailure;
import org.cpmft.msrp.codec.MsrpEncoder;
import org.cpmft.msrp.codec.MsrpFrameDecoder;
import org.cpmft.msrp.message.ByteRange;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.FailureReport;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpObject;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.MsrpStatus;
import org.cpmft.msrp.message.MsrpUri;

/**
 * The receiving endpoint of the benchmarks: a passive MSRP endpoint listening on several ports of
 * 127.0.0.1 that accepts any session, answers every SEND with 200 after its end-line (RFC 4975 section
 * 7.1.2 rules for Failure-Report), checks that chunks arrive in Byte-Range order without gaps and
 * optionally hashes what it receives. It keeps no body bytes.
 */
final class BenchSink implements AutoCloseable {
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final Map<String, SinkSession> sessions = new ConcurrentHashMap<>();
    private final boolean hashing;

    /** What arrived for one session-id. Written on one event loop, read after the run. */
    static final class SinkSession {
        private final MessageDigest digest;
        volatile long bytes;
        volatile long chunks;
        volatile long outOfOrder;
        volatile long aborted;

        SinkSession(boolean hashing) {
            try {
                this.digest = hashing ? MessageDigest.getInstance("SHA-256") : null;
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        synchronized String sha256() {
            return digest == null ? null : HexFormat.of().formatHex(digest.digest());
        }
    }

    BenchSink(EventLoopGroup group, int portCount, boolean hashing) {
        this.hashing = hashing;
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MsrpFrameDecoder(), new MsrpEncoder(), new SinkHandler());
                    }
                });
        try {
            for (int i = 0; i < portCount; i++) {
                Channel c = bootstrap.bind("127.0.0.1", 0).syncUninterruptibly().channel();
                listeners.add(c);
                ports.add(((InetSocketAddress) c.localAddress()).getPort());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    int portCount() {
        return ports.size();
    }

    /** The URI a session with this id is reached at, on listening port number {@code index mod ports}. */
    MsrpUri uri(int index, String sessionId) {
        return MsrpUri.of(false, "127.0.0.1", ports.get(index % ports.size()), sessionId);
    }

    SinkSession session(String sessionId) {
        return sessions.get(sessionId);
    }

    void forget(String sessionId) {
        sessions.remove(sessionId);
    }

    @Override
    public void close() {
        for (Channel c : listeners) {
            c.close().syncUninterruptibly();
        }
    }

    private final class SinkHandler extends SimpleChannelInboundHandler<MsrpObject> {
        private MsrpRequestHead current;
        private SinkSession session;

        SinkHandler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpObject msg) {
            if (msg instanceof MsrpRequestHead req) {
                onRequest(ctx, req);
            } else if (msg instanceof MsrpContent c) {
                try {
                    onContent(ctx, c);
                } finally {
                    c.release();
                }
            } else if (msg instanceof MsrpDecodingFailure f && f.framingLost()) {
                ctx.close();
            }
        }

        private void onRequest(ChannelHandlerContext ctx, MsrpRequestHead req) {
            current = null;
            if (!req.isSend()) {
                return; // REPORTs are never answered
            }
            if (!req.hasBody()) {
                respond(ctx, req); // the binding SEND of an active endpoint (RFC 4975 section 5.4)
                return;
            }
            current = req;
            session = sessions.computeIfAbsent(req.toPath().get(0).sessionId(), id -> new SinkSession(hashing));
            ByteRange range = req.byteRange();
            if (range != null && range.start() - 1 != session.bytes) {
                session.outOfOrder++;
            }
        }

        private void onContent(ChannelHandlerContext ctx, MsrpContent c) {
            if (current == null) {
                return;
            }
            int n = c.content().readableBytes();
            SinkSession s = session;
            s.bytes += n;
            if (s.digest != null && n > 0) {
                synchronized (s) {
                    s.digest.update(c.content().nioBuffer());
                }
            }
            if (c instanceof LastMsrpContent last) {
                if (last.flag() == ContinuationFlag.ABORTED) {
                    s.aborted++;
                }
                s.chunks++;
                MsrpRequestHead req = current;
                current = null;
                respond(ctx, req);
            }
        }

        private void respond(ChannelHandlerContext ctx, MsrpRequestHead req) {
            FailureReport fr = req.failureReport();
            if (fr == FailureReport.NO || fr == FailureReport.PARTIAL) {
                return; // RFC 4975 section 7.1.2: no success response for these
            }
            ctx.write(MsrpResponseHead.answer(req, MsrpStatus.OK, req.toPath().get(0)));
            ctx.writeAndFlush(LastMsrpContent.empty(ContinuationFlag.COMPLETE));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
