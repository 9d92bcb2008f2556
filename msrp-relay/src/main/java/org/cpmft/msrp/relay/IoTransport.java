package org.cpmft.msrp.relay;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.function.IntFunction;

/**
 * Netty transport of the relay: native epoll on Linux when its library loads (fewer system calls and no
 * selected-key garbage per wake-up), Java NIO otherwise. {@code -Dio.netty.transport.noNative=true}
 * forces NIO.
 */
record IoTransport(String name, IntFunction<EventLoopGroup> groups, Class<? extends ServerChannel> serverChannel,
                   Class<? extends SocketChannel> socketChannel) {

    static IoTransport best() {
        if (Epoll.isAvailable()) {
            return new IoTransport("epoll", EpollEventLoopGroup::new, EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        return nio();
    }

    static IoTransport nio() {
        return new IoTransport("nio", NioEventLoopGroup::new, NioServerSocketChannel.class, NioSocketChannel.class);
    }
}
