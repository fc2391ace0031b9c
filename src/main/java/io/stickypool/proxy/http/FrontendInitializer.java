package io.stickypool.proxy.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.stickypool.proxy.server.PipelineNames;
import io.stickypool.proxy.tls.ServerTls;

/**
 * Wires a client connection's pipeline; the only place that does. The HTTP/1.1 handlers are
 * added by {@link #addHttp1Handlers} so that a connection which starts with something else in
 * front of them (TLS, an HTTP/2 stream adapter) ends in the very same request handling.
 */
public final class FrontendInitializer extends ChannelInitializer<SocketChannel> {
  private final ProxyContext proxy;
  private final ServerTls tls;

  public FrontendInitializer(ProxyContext proxy) {
    this(proxy, null);
  }

  /** @param tls terminates TLS in front of the HTTP handlers, or null for plain HTTP */
  public FrontendInitializer(ProxyContext proxy, ServerTls tls) {
    this.proxy = proxy;
    this.tls = tls;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (tls != null) {
      SslHandler ssl = tls.newHandler(ch.alloc());
      if (ssl == null) { // no certificate yet: readiness is false, nothing can be served
        ch.close();
        return;
      }
      ch.pipeline().addLast(PipelineNames.TLS, ssl);
    }
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
