package io.stickypool.proxy.h2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.stickypool.proxy.http.ProxyContext;

/**
 * Goes right after the SslHandler of a TLS connection, in front of the HTTP/1.1 handlers
 * ({@code pipeline.addLast(AlpnSwitch.NAME, new AlpnSwitch(proxy))} before
 * {@code FrontendInitializer.addHttp1Handlers}). When the handshake negotiated h2 it replaces the
 * HTTP/1.1 handlers with the HTTP/2 ones; for http/1.1, or no ALPN at all, it only leaves. The
 * server SslContext must offer {@link #PROTOCOLS} for clients to pick h2.
 */
public final class AlpnSwitch extends ApplicationProtocolNegotiationHandler {
  public static final String NAME = "alpn-switch";
  /** The ALPN list to give the server SslContext, in the server's order of preference. */
  public static final String[] PROTOCOLS = {ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1};

  private final ProxyContext proxy;

  public AlpnSwitch(ProxyContext proxy) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.proxy = proxy;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      Http2Frontend.switchToHttp2(ctx, proxy);
    } else if (!ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
      throw new IllegalStateException("unexpected application protocol: " + protocol);
    }
  }
}
