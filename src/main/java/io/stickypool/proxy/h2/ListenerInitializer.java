package io.stickypool.proxy.h2;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.stickypool.proxy.http.FrontendInitializer;
import io.stickypool.proxy.http.ProxyContext;
import io.stickypool.proxy.server.PipelineNames;
import io.stickypool.proxy.tls.ServerTls;
import java.util.List;

/**
 * Wires a client connection of the traffic listener; the only place that does. Every connection
 * starts with the HTTP/1.1 handlers; what goes in front of them decides whether they stay: on a
 * plain listener the h2c preface sniffer (HTTP/2 with prior knowledge replaces them), on a TLS
 * listener the SslHandler and then the ALPN choice (h2 replaces them, http/1.1 keeps them).
 */
public final class ListenerInitializer extends ChannelInitializer<SocketChannel> {
  static final String SNIFFER = "h2c-sniffer";
  /** What the TLS listener offers in ALPN, in the server's order of preference. */
  public static final List<String> ALPN = List.of(AlpnSwitch.PROTOCOLS);

  private final ProxyContext proxy;
  private final ServerTls tls;

  /** @param tls terminates TLS in front of the HTTP handlers, or null for a plain listener */
  public ListenerInitializer(ProxyContext proxy, ServerTls tls) {
    this.proxy = proxy;
    this.tls = tls;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (tls == null) {
      ch.pipeline().addLast(SNIFFER, new H2cPrefaceSniffer(proxy));
    } else {
      SslHandler ssl = tls.newHandler(ch.alloc());
      if (ssl == null) { // no certificate yet: readiness is false, nothing can be served
        ch.close();
        return;
      }
      ch.pipeline().addLast(PipelineNames.TLS, ssl).addLast(AlpnSwitch.NAME, new AlpnSwitch(proxy));
    }
    FrontendInitializer.addHttp1Handlers(ch.pipeline(), proxy);
  }
}
