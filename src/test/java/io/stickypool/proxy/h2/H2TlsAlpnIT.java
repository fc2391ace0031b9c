package io.stickypool.proxy.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.proxy.http.FrontendInitializer;
import io.stickypool.proxy.http.ProxyContext;
import io.stickypool.proxy.server.Transport;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ProxyHarness;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * h2 over TLS: a listener wired as the TLS listener will be (SslHandler, {@link AlpnSwitch}, the
 * HTTP/1.1 handlers) in front of a real proxy, with a self-signed certificate made here, driven by
 * the JDK HttpClient, which negotiates h2 by ALPN when asked for HTTP_2 and http/1.1 otherwise.
 */
@ExtendWith(LeakDetection.class)
class H2TlsAlpnIT {
  private static final String COOKIE = ProxyHarness.COOKIE;

  @Test
  void alpnPicksH2OrHttp1AndBothKeepTheSameSession() throws Exception {
    SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
    Transport transport = Transport.best();
    EventLoopGroup group = transport.newGroup(1, "tls-test");
    try (ProxyHarness h = ProxyHarness.cookieMode(3, KeyRing.generate(new SecureRandom()))) {
      Channel listener = tlsListener(serverContext(cert), h.proxy.context(), transport, group);
      int port = ((InetSocketAddress) listener.localAddress()).getPort();
      URI uri = URI.create("https://localhost:" + port + "/");
      SSLContext trust = trusting(cert);
      HttpClient h2 = client(trust, HttpClient.Version.HTTP_2);
      HttpClient h1 = client(trust, HttpClient.Version.HTTP_1_1);

      HttpResponse<String> first = h2.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(first.statusCode()).isEqualTo(200);
      String backend = first.headers().firstValue("x-backend").orElseThrow();
      String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      assertThat(cookie).startsWith(COOKIE + "=");

      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(uri.resolve("/again" + i)).header("Cookie", cookie).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r.headers().firstValue("x-backend")).hasValue(backend);
      }
      HttpResponse<String> overHttp1 = h1.send(HttpRequest.newBuilder(uri).header("Cookie", cookie).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(overHttp1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(overHttp1.headers().firstValue("X-Backend")).hasValue(backend);
      listener.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      cert.delete();
    }
  }

  private static SslContext serverContext(SelfSignedCertificate cert) throws Exception {
    return SslContextBuilder.forServer(cert.certificate(), cert.privateKey())
        .sslProvider(SslProvider.JDK)
        .applicationProtocolConfig(new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            AlpnSwitch.PROTOCOLS))
        .build();
  }

  private static Channel tlsListener(SslContext ssl, ProxyContext proxy, Transport transport, EventLoopGroup group)
      throws InterruptedException {
    InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);
    return new ServerBootstrap()
        .group(group)
        .channelFactory(transport.serverChannelFactory(bind))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc())).addLast(AlpnSwitch.NAME, new AlpnSwitch(proxy));
            FrontendInitializer.addHttp1Handlers(ch.pipeline(), proxy);
          }
        })
        .bind(bind)
        .sync()
        .channel();
  }

  private static SSLContext trusting(SelfSignedCertificate cert) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("proxy", cert.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static HttpClient client(SSLContext trust, HttpClient.Version version) {
    return HttpClient.newBuilder().sslContext(trust).version(version).connectTimeout(Duration.ofSeconds(5)).build();
  }
}
