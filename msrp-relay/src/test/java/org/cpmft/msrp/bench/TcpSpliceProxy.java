package org.cpmft.msrp.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Baseline for the relay's cost: a byte-for-byte TCP forwarder on Netty that knows nothing about MSRP.
 * Each accepted connection gets its own connection to the target, on the same event loop; bytes are
 * written as read and flushed once per read burst; reading stops while the other side is not writable.
 * What it costs per chunk is the floor any user-space relay pays on this machine (two more socket
 * reads and writes per byte through the kernel).
 */
final class TcpSpliceProxy implements AutoCloseable {
    private final EventLoopGroup boss = new NioEventLoopGroup(1);
    private final EventLoopGroup workers;
    private final Channel server;

    TcpSpliceProxy(int ioThreads, String targetHost, int targetPort) {
        this.workers = new NioEventLoopGroup(ioThreads);
        this.server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel downstream) {
                        downstream.pipeline().addLast(new Splice(targetHost, targetPort));
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Forwards what {@code ctx}'s channel reads to {@code other}. */
    private static class Forwarder extends ChannelInboundHandlerAdapter {
        Channel other;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.write(msg, other.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            other.flush();
            if (!other.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && other != null) {
                other.config().setAutoRead(true);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (other != null) {
                other.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final class Splice extends Forwarder {
        private final String host;
        private final int port;

        Splice(String host, int port) {
            this.host = host;
            this.port = port;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel downstream = ctx.channel();
            Forwarder back = new Forwarder();
            back.other = downstream;
            new Bootstrap().group(downstream.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(back)
                    .connect(host, port).addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            other = f.channel();
                            downstream.config().setAutoRead(true);
                        } else {
                            downstream.close();
                        }
                    });
        }
    }
}
