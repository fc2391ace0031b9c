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
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.uring.Ipv4IoUringServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Supplier;

/**
 * The socket transport. Server and client channels of one proxy always come from the same
 * transport because backend connections are registered on the frontend connection's event loop.
 * Which one runs is chosen once at start by {@link TransportChoice}: io_uring or epoll as measured
 * (docs/proxy-tuning.md), NIO where no native transport loads.
 */
public enum Transport {
  IO_URING(IoUringIoHandler::newFactory, IoUring::unavailabilityCause),
  EPOLL(EpollIoHandler::newFactory, Epoll::unavailabilityCause),
  NIO(NioIoHandler::newFactory, () -> null);

  private final Supplier<IoHandlerFactory> handlers;
  private final Supplier<Throwable> unavailability;

  Transport(Supplier<IoHandlerFactory> handlers, Supplier<Throwable> unavailability) {
    this.handlers = handlers;
    this.unavailability = unavailability;
  }

  /** The transport {@code auto} picks here, for code with no setting. */
  public static Transport best() {
    return TransportChoice.AUTO.resolve(Transport::unavailabilityCause, message -> { });
  }

  /** The name used on the command line and in the config file. */
  public String configName() {
    return name().toLowerCase();
  }

  /**
   * Why this transport cannot run here (native library missing, kernel too old, io_uring refused
   * by seccomp or {@code kernel.io_uring_disabled}), or null when it can.
   */
  Throwable unavailabilityCause() {
    return unavailability.get();
  }

  public EventLoopGroup newGroup(int threads, String name) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlers.get());
  }

  public Class<? extends ServerChannel> serverChannel() {
    return switch (this) {
      case IO_URING -> IoUringServerSocketChannel.class;
      case EPOLL -> EpollServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  /**
   * Server channels for {@code bind}: one IPv4 address gets an IPv4 socket (a dual-stack socket
   * shows up as {@code ::ffff:127.0.0.1}, which tools and firewall rules that expect an IPv4
   * listener do not recognise). The IPv4 wildcard keeps io_uring's dual-stack socket, which also
   * accepts IPv6 clients, as it always has; epoll and NIO give it an IPv4 socket.
   */
  public ChannelFactory<ServerChannel> serverChannelFactory(InetSocketAddress bind) {
    boolean v4 = bind.getAddress() instanceof Inet4Address;
    return switch (this) {
      case IO_URING -> v4 && !bind.getAddress().isAnyLocalAddress()
          ? Ipv4IoUringServerSocketChannel::new
          : IoUringServerSocketChannel::new;
      case EPOLL -> v4 ? () -> new EpollServerSocketChannel(SocketProtocolFamily.INET) : EpollServerSocketChannel::new;
      case NIO -> v4
          ? () -> new NioServerSocketChannel(SelectorProvider.provider(), SocketProtocolFamily.INET)
          : NioServerSocketChannel::new;
    };
  }

  public Class<? extends SocketChannel> clientChannel() {
    return switch (this) {
      case IO_URING -> IoUringSocketChannel.class;
      case EPOLL -> EpollSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }
}
