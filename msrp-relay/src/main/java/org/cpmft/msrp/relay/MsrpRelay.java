package org.cpmft.msrp.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.cpmft.msrp.codec.MsrpEncoder;
import org.cpmft.msrp.codec.MsrpFrameDecoder;
import org.cpmft.msrp.message.MsrpUri;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Back-to-back MSRP relay: terminates one MSRP session per leg towards each endpoint and streams
 * SEND and REPORT chunks between the two legs of a {@link RelaySessionPair}, rewriting To-Path and
 * From-Path and mapping transaction ids hop by hop. See docs/msrp-relay.md.
 */
public final class MsrpRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MsrpRelay.class);
    private static final AttributeKey<RelayConnection> CONNECTION = AttributeKey.valueOf("msrp.relay.connection");

    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final int port;
    private final Map<String, RelayLeg> legs = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<RelayConnection>> outboundPool = new ConcurrentHashMap<>();
    private final Context context = new Context();
    private final Bootstrap clientBootstrap;

    private MsrpRelay(RelayConfig config) throws InterruptedException {
        this.config = config;
        this.metrics = new RelayMetrics(config.meterRegistry());
        IoTransport transport = IoTransport.best();
        this.boss = transport.groups().apply(1);
        this.workers = transport.groups().apply(config.ioThreads());
        WriteBufferWaterMark waterMark = new WriteBufferWaterMark(config.writeBufferLow(), config.writeBufferHigh());
        ServerBootstrap server = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_CLOSE, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (config.tls() != null) {
                            ch.pipeline().addLast("tls", config.tls().serverHandler(ch.alloc()));
                        }
                        initPipeline(ch, new RelayConnection(ch, false, null, context));
                    }
                });
        this.clientBootstrap = new Bootstrap()
                .group(workers)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_CLOSE, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
        if (config.socketSendBuffer() > 0) {
            server.childOption(ChannelOption.SO_SNDBUF, config.socketSendBuffer());
            clientBootstrap.option(ChannelOption.SO_SNDBUF, config.socketSendBuffer());
        }
        try {
            this.serverChannel = server.bind(config.bindHost(), config.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        LOG.info("MSRP relay listening on {}:{} ({})", config.bindHost(), port, transport.name());
    }

    /** Binds the listener and returns the running relay. */
    public static MsrpRelay start(RelayConfig config) {
        try {
            return new MsrpRelay(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        }
    }

    private void initPipeline(Channel ch, RelayConnection connection) {
        ch.attr(CONNECTION).set(connection);
        long idle = config.idleTimeout().toMillis();
        if (idle > 0) {
            ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
        }
        ch.pipeline()
                .addLast("decoder", new MsrpFrameDecoder(config.limits()))
                .addLast("encoder", new MsrpEncoder())
                .addLast("relay", new RelayInboundHandler(context, connection));
    }

    /** The bound TCP port (useful with port 0). */
    public int port() {
        return port;
    }

    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** Allocates two legs with fresh random session-ids; nothing is connected yet. */
    public RelaySessionPair allocatePair() {
        RelayLeg offerer = new RelayLeg(RelayLeg.Role.OFFERER, newLocalPath(), context);
        RelayLeg answerer = new RelayLeg(RelayLeg.Role.ANSWERER, newLocalPath(), context);
        RelaySessionPair pair = new RelaySessionPair(offerer, answerer, () -> {
            legs.remove(offerer.sessionId(), offerer);
            legs.remove(answerer.sessionId(), answerer);
            metrics.sessionClosed();
        }, metrics);
        legs.put(offerer.sessionId(), offerer);
        legs.put(answerer.sessionId(), answerer);
        metrics.sessionOpened();
        return pair;
    }

    private MsrpUri newLocalPath() {
        return MsrpUri.of(config.tls() != null, config.advertisedHost(), port, SessionIds.next());
    }

    /** Number of legs currently known (two per open pair). */
    public int activeLegs() {
        return legs.size();
    }

    /** Stops listening, closes every connection and the I/O threads. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        for (RelayLeg leg : legs.values()) {
            leg.close();
        }
        legs.clear();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Context implements RelayContext {
        @Override
        public RelayConfig config() {
            return config;
        }

        @Override
        public RelayMetrics metrics() {
            return metrics;
        }

        @Override
        public RelayLeg leg(String sessionId) {
            return sessionId == null ? null : legs.get(sessionId);
        }

        @Override
        public CompletableFuture<RelayConnection> connect(MsrpUri firstHop) {
            if (firstHop.secure() && (config.tls() == null || config.tls().client() == null)) {
                return CompletableFuture.failedFuture(new IllegalStateException("msrps peer but no TLS configured"));
            }
            if (firstHop.port() < 0) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("no port in " + firstHop));
            }
            String key = firstHop.authorityKey();
            while (true) {
                CompletableFuture<RelayConnection> existing = outboundPool.get(key);
                if (existing != null && (!existing.isDone()
                        || (!existing.isCompletedExceptionally() && existing.join().reusable()))) {
                    return existing; // RFC 4975 section 5.4 / RFC 6135: reuse a connection to the same peer
                }
                CompletableFuture<RelayConnection> created = new CompletableFuture<>();
                boolean mine = existing == null ? outboundPool.putIfAbsent(key, created) == null
                        : outboundPool.replace(key, existing, created);
                if (!mine) {
                    continue;
                }
                clientBootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (firstHop.secure()) {
                            ch.pipeline().addLast("tls", config.tls().clientHandler(ch.alloc(),
                                    firstHop.socketHost(), firstHop.port()));
                        }
                        initPipeline(ch, new RelayConnection(ch, true, key, context));
                    }
                }).connect(firstHop.socketHost(), firstHop.port()).addListener(f -> {
                    io.netty.channel.ChannelFuture cf = (io.netty.channel.ChannelFuture) f;
                    if (cf.isSuccess()) {
                        created.complete(cf.channel().attr(CONNECTION).get());
                    } else {
                        outboundPool.remove(key, created);
                        created.completeExceptionally(cf.cause());
                    }
                });
                return created;
            }
        }

        @Override
        public void closed(RelayConnection connection) {
            if (connection.poolKey() != null) {
                CompletableFuture<RelayConnection> f = outboundPool.get(connection.poolKey());
                if (f != null && f.isDone() && !f.isCompletedExceptionally() && f.join() == connection) {
                    outboundPool.remove(connection.poolKey(), f);
                }
            }
        }
    }
}
