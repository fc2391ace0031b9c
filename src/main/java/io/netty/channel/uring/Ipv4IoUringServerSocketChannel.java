package io.netty.channel.uring;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.ServerSocketChannelConfig;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * An io_uring listener on an IPv4 ({@code AF_INET}) socket. Netty 4.2.18's
 * {@link IoUringServerSocketChannel} always opens an IPv6 socket unless the whole JVM prefers IPv4,
 * so a listener on {@code 127.0.0.1:8080} shows as {@code [::ffff:127.0.0.1]:8080}, which tools
 * and firewall rules written for an IPv4 listener do not match. Epoll and NIO take a protocol
 * family; this is the same choice for io_uring, which takes a fifth to a third less CPU per
 * request than epoll here (docs/proxy-tuning.md).
 *
 * <p>It lives in Netty's package because the socket and server-channel types it needs are
 * package-private there; everything but the socket's family is Netty's own
 * {@code IoUringServerSocketChannel} behaviour. A Netty upgrade that changes these internals fails
 * the compile, and {@code TransportIT} checks that the kernel lists the listener as IPv4.
 */
public final class Ipv4IoUringServerSocketChannel extends AbstractIoUringServerChannel
    implements ServerSocketChannel {
  private final IoUringServerSocketChannelConfig config;

  public Ipv4IoUringServerSocketChannel() {
    // false: non-blocking, as Netty's own listener (no IORING_ACCEPT_DONTWAIT support yet)
    super(LinuxSocket.newSocketStream(false), false);
    this.config = new IoUringServerSocketChannelConfig(this);
  }

  @Override
  public ServerSocketChannelConfig config() {
    return config;
  }

  @Override
  Channel newChildChannel(int fd, ByteBuffer acceptedAddress) {
    if (acceptedAddress == null) {
      return new IoUringSocketChannel(this, new LinuxSocket(fd));
    }
    IoUringIoHandler handler = (IoUringIoHandler) registration().attachment();
    InetSocketAddress remote = SockaddrIn.getIPv4(acceptedAddress, handler.inet4AddressArray());
    return new IoUringSocketChannel(this, new LinuxSocket(fd), remote);
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return (InetSocketAddress) super.remoteAddress();
  }

  @Override
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) super.localAddress();
  }

  @Override
  public void doBind(SocketAddress localAddress) throws Exception {
    super.doBind(localAddress);
    Integer fastOpen = config.getOption(ChannelOption.TCP_FASTOPEN);
    if (fastOpen != null && fastOpen > 0 && IoUring.isTcpFastOpenServerSideAvailable()) {
      socket.setTcpFastOpen(fastOpen);
    }
    socket.listen(config.getBacklog());
    active = true;
  }
}
