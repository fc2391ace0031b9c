package io.stickypool.proxy.server;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * The socket transport: native epoll where the platform has it (fewer copies and syscalls), NIO
 * elsewhere. Server and client channels of one proxy always come from the same transport because
 * backend connections are registered on the frontend connection's event loop.
 */
public enum Transport {
  EPOLL,
  NIO;

  public static Transport best() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  public EventLoopGroup newGroup(int threads, String name) {
    IoHandlerFactory io = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /**
   * Server channels for {@code bind}: an IPv4 address gets an IPv4 socket (epoll sockets are
   * dual-stack otherwise, and then show up as {@code ::ffff:127.0.0.1}, which tools and firewall
   * rules that expect an IPv4 listener do not recognise).
   */
  public ChannelFactory<ServerChannel> serverChannelFactory(InetSocketAddress bind) {
    boolean v4 = bind.getAddress() instanceof Inet4Address;
    if (this == EPOLL) {
      return v4 ? () -> new EpollServerSocketChannel(SocketProtocolFamily.INET) : EpollServerSocketChannel::new;
    }
    return v4
        ? () -> new NioServerSocketChannel(java.nio.channels.spi.SelectorProvider.provider(), SocketProtocolFamily.INET)
        : NioServerSocketChannel::new;
  }

  public Class<? extends SocketChannel> clientChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
