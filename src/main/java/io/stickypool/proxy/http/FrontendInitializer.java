package io.stickypool.proxy.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.stickypool.proxy.server.PipelineNames;

/**
 * Wires a client connection's pipeline; the only place that does. The HTTP/1.1 handlers are
 * added by {@link #addHttp1Handlers} so that a connection which starts with something else in
 * front of them (TLS, an HTTP/2 stream adapter) ends in the very same request handling.
 */
public final class FrontendInitializer extends ChannelInitializer<SocketChannel> {
  private final ProxyContext proxy;

  public FrontendInitializer(ProxyContext proxy) {
    this.proxy = proxy;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    addHttp1Handlers(ch.pipeline(), proxy);
  }

  /** Appends the handlers that read HTTP/1.1 requests and proxy them. */
  public static void addHttp1Handlers(ChannelPipeline pipeline, ProxyContext proxy) {
    ProxySettings s = proxy.settings();
    pipeline
        .addLast(PipelineNames.HEADER_TIMEOUT, new HeaderTimeoutHandler(s))
        .addLast(PipelineNames.HTTP_DECODER, new RequestReader(s))
        .addLast(PipelineNames.FRONTEND, new FrontendHandler(proxy));
  }
}
