package io.stickypool.proxy.http;

import io.netty.channel.ChannelPipeline;
import io.stickypool.proxy.server.PipelineNames;

/**
 * The HTTP/1.1 handlers of a client connection, in one place, so that a connection which starts
 * with something else in front of them (TLS, the h2c sniffer, an HTTP/2 stream's bridge) ends in
 * the very same request handling. The listener's initializer is {@code h2.ListenerInitializer}.
 */
public final class FrontendInitializer {
  private FrontendInitializer() {}

  /** Appends the handlers that read HTTP/1.1 requests and proxy them. */
  public static void addHttp1Handlers(ChannelPipeline pipeline, ProxyContext proxy) {
    ProxySettings s = proxy.settings();
    pipeline
        .addLast(PipelineNames.HEADER_TIMEOUT, new HeaderTimeoutHandler(s))
        .addLast(PipelineNames.HTTP_DECODER, new RequestReader(s))
        .addLast(PipelineNames.FRONTEND, new FrontendHandler(proxy));
  }
}
