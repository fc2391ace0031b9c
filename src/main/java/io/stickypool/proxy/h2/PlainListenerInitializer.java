package io.stickypool.proxy.h2;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.stickypool.proxy.http.FrontendInitializer;
import io.stickypool.proxy.http.ProxyContext;

/**
 * Wires a connection of the plain listener: the h2c preface sniffer in front of the HTTP/1.1
 * handlers, which stay when the client speaks HTTP/1.1 and are replaced when it speaks HTTP/2.
 */
public final class PlainListenerInitializer extends ChannelInitializer<SocketChannel> {
  static final String SNIFFER = "h2c-sniffer";

  private final ProxyContext proxy;

  public PlainListenerInitializer(ProxyContext proxy) {
    this.proxy = proxy;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline().addLast(SNIFFER, new H2cPrefaceSniffer(proxy));
    FrontendInitializer.addHttp1Handlers(ch.pipeline(), proxy);
  }
}
