package org.cpmft.pf.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * The recipients' MSRP side of the delivery benchmarks: one passive endpoint on 127.0.0.1 that
 * accepts SENDs for any session id (every SIPp call answers with its own a=path on this port),
 * answers each with 200 (RFC 4975 section 7.2, none when Failure-Report is no or partial) and
 * counts whole messages by Message-ID: a message counts as delivered when the chunk ending at the
 * last octet of the file arrives complete ('$'). A second completion of the same Message-ID is a
 * duplicate delivery. Keeps no body octets.
 */
final class MsrpSink implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel listener;
    /** Message-ID -> completions seen (1 is right, more is a duplicate delivery). */
    private final Map<String, AtomicLong> completed = new ConcurrentHashMap<>();
    /** Message-ID -> wall-clock microseconds of its first completion. */
    private final Map<String, Long> completedAtMicros = new ConcurrentHashMap<>();
    private final AtomicLong octets = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();

    MsrpSink() {
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new MsrpFrameDecoder(), new MsrpEncoder(), new Handler());
                    }
                });
        listener = bootstrap.bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Distinct messages received whole. */
    int deliveredMessages() {
        return completed.size();
    }

    /** Completions beyond the first, over all messages. */
    long duplicates() {
        return completed.values().stream().mapToLong(c -> c.get() - 1).sum();
    }

    Map<String, Long> completionTimes() {
        return completedAtMicros;
    }

    long octets() {
        return octets.get();
    }

    long aborted() {
        return aborted.get();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<MsrpObject> {
        private MsrpRequestHead current;

        Handler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MsrpObject msg) {
            if (msg instanceof MsrpRequestHead req) {
                current = req.isSend() ? req : null; // REPORTs are never answered
                if (current != null && !req.hasBody()) {
                    current = null;
                    respond(ctx, req); // bodiless SEND of an active endpoint (RFC 4975 section 5.4)
                }
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

        private void onContent(ChannelHandlerContext ctx, MsrpContent c) {
            MsrpRequestHead req = current;
            if (req == null) {
                return;
            }
            octets.addAndGet(c.content().readableBytes());
            if (!(c instanceof LastMsrpContent last)) {
                return;
            }
            current = null;
            if (last.flag() == ContinuationFlag.ABORTED) {
                aborted.incrementAndGet();
            } else if (last.flag() == ContinuationFlag.COMPLETE && endsMessage(req.byteRange())) {
                String id = req.messageId();
                if (completed.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet() == 1) {
                    completedAtMicros.put(id, WallClock.micros());
                }
            }
            respond(ctx, req);
        }

        private static boolean endsMessage(ByteRange range) {
            return range == null || !range.endKnown() || !range.totalKnown() || range.end() == range.total();
        }

        private void respond(ChannelHandlerContext ctx, MsrpRequestHead req) {
            FailureReport fr = req.failureReport();
            if (fr == FailureReport.NO || fr == FailureReport.PARTIAL) {
                return; // RFC 4975 section 7.1.2
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
