package io.stickypool.proxy.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.stickypool.proxy.pool.BackendConnectionPool;
import io.stickypool.proxy.server.PipelineNames;
import io.stickypool.proxy.server.Transport;
import io.stickypool.proxy.tls.BackendTls;
import java.net.InetSocketAddress;

/** Opens backend connections on a given event loop, each with the backend pipeline. */
final class BackendConnector {
  private final Transport transport;
  private final BackendConnectionPool pool;
  private final int connectTimeoutMillis;
  private final BackendTls tls;
  private final OpenConnections connections;

  BackendConnector(Transport transport, BackendConnectionPool pool, ProxySettings settings, BackendTls tls,
      OpenConnections connections) {
    this.tls = tls;
    this.connections = connections;
    this.transport = transport;
    this.pool = pool;
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
  }

  ChannelFuture connect(EventLoop loop, InetSocketAddress address) {
    return new Bootstrap()
        .group(loop)
        .channel(transport.clientChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                connections.addBackend(ch);
                if (tls != null) { // requests written before the handshake ends wait in it
                  ch.pipeline().addLast(PipelineNames.TLS, tls.newHandler(ch.alloc(), address));
                }
                ch.pipeline().addLast(PipelineNames.BACKEND, new BackendHandler(pool, address));
              }
            })
        .connect(address);
  }

  BackendConnectionPool pool() {
    return pool;
  }
}
