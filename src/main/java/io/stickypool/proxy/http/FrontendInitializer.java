package io.stickypool.proxy.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.stickypool.proxy.server.PipelineNames;

/** Wires a client connection's pipeline; the only place that does. */
public final class FrontendInitializer extends ChannelInitializer<SocketChannel> {
  private final ProxyContext proxy;

  public FrontendInitializer(ProxyContext proxy) {
    this.proxy = proxy;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ProxySettings s = proxy.settings();
    ch.pipeline()
        .addLast(PipelineNames.HEADER_TIMEOUT, new HeaderTimeoutHandler(s))
        .addLast(PipelineNames.HTTP_DECODER, new StrictRequestDecoder(s))
        .addLast(PipelineNames.FRONTEND, new FrontendHandler(proxy));
  }
}
