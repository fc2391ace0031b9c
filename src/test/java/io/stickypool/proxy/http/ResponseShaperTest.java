package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.proxy.http.ResponseShaper.ConnectionField;
import io.stickypool.proxy.routing.ProxyRoute;
import io.stickypool.proxy.routing.ResponseDecoration;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import io.stickypool.testing.LeakDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The head the client gets, byte for byte, from the head the backend sent. */
@ExtendWith(LeakDetection.class)
class ResponseShaperTest {
  /** A route that adds a cookie (as a new session does) or nothing. */
  private record Route(boolean newCookie) implements ProxyRoute {
    @Override
    public Backend backend() {
      return Backend.active(BackendId.of("b0"), "127.0.0.1", 1);
    }

    @Override
    public InetSocketAddress address() {
      return new InetSocketAddress(1);
    }

    @Override
    public void decorateResponse(ResponseDecoration response) {
      if (newCookie) {
        response.addHeader("Set-Cookie", "sp=abc; Path=/");
        response.keepOutOfSharedCaches();
      }
    }

    @Override
    public boolean trustsProxy(java.net.InetAddress client) {
      return false;
    }

    @Override
    public void decorateRequest(io.stickypool.proxy.routing.RequestDecoration request) {}
  }

  private static String shape(String backendHead, boolean newCookie, boolean dechunk, ConnectionField connection) {
    ByteBuf in = Unpooled.copiedBuffer(backendHead, StandardCharsets.ISO_8859_1);
    try {
      ResponseHead head = new ResponseHead();
      assertThat(head.parse(in, 0, in.writerIndex())).as(head.error()).isTrue();
      ByteBuf out = new ResponseShaper().shape(ByteBufAllocator.DEFAULT, head, new Route(newCookie), dechunk, connection);
      try {
        return out.toString(StandardCharsets.ISO_8859_1);
      } finally {
        out.release();
      }
    } finally {
      in.release();
    }
  }

  private static String shape(String backendHead, boolean newCookie) {
    return shape(backendHead, newCookie, false, ConnectionField.NONE);
  }

  @Test
  void forwardsTheBackendsLinesAsTheyCame() {
    String head = "HTTP/1.1 200 Fine Thanks\r\nX-One: 1\r\nset-cookie: app=1\r\nContent-Length: 3\r\n\r\n";
    assertThat(shape(head, false)).isEqualTo(head);
  }

  @Test
  void sendsHttp11WithTheBackendsStatusAndReason() {
    assertThat(shape("HTTP/1.0 404 Gone Fishing\r\nContent-Length: 0\r\n\r\n", false, false, ConnectionField.KEEP_ALIVE))
        .isEqualTo("HTTP/1.1 404 Gone Fishing\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
  }

  @Test
  void dropsHopByHopFieldsAndThoseConnectionNames() {
    String head = "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Private, Content-Length\r\nX-Private: secret\r\n"
        + "Keep-Alive: timeout=5\r\nProxy-Connection: x\r\nTE: trailers\r\nTrailer: X-T\r\n"
        + "Proxy-Authenticate: Basic\r\nUpgrade: h2c\r\nX-Kept: yes\r\nContent-Length: 2\r\n\r\n";
    assertThat(shape(head, false, false, ConnectionField.CLOSE))
        .isEqualTo("HTTP/1.1 200 OK\r\nX-Kept: yes\r\nContent-Length: 2\r\nConnection: close\r\n\r\n");
  }

  @Test
  void keepsUpgradeOnlyForASwitch() {
    String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: x\r\n\r\n";
    assertThat(shape(head, false, false, ConnectionField.UPGRADE)).isEqualTo(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: x\r\nConnection: upgrade\r\n\r\n");
  }

  @Test
  void removesWhitespaceBeforeTheColon() {
    assertThat(shape("HTTP/1.1 200 OK\r\nX-A : 1\r\nX-B:2\r\nContent-Length: 0\r\n\r\n", false))
        .isEqualTo("HTTP/1.1 200 OK\r\nX-A: 1\r\nX-B:2\r\nContent-Length: 0\r\n\r\n");
  }

  @Test
  void dropsTheChunkedCodingWhenDechunking() {
    String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    assertThat(shape(head, false)).isEqualTo(head);
    assertThat(shape(head, false, true, ConnectionField.CLOSE)).isEqualTo("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
  }

  @Test
  void makesAResponseWithANewCookiePrivate() {
    assertThat(shape("HTTP/1.1 200 OK\r\nCache-Control: public, max-age=600\r\nContent-Length: 0\r\n\r\n", true))
        .isEqualTo("HTTP/1.1 200 OK\r\nSet-Cookie: sp=abc; Path=/\r\nCache-Control: max-age=600\r\n"
            + "Content-Length: 0\r\nCache-Control: private\r\n\r\n");
    assertThat(shape("HTTP/1.1 200 OK\r\nCache-Control: public,s-maxage=60\r\nCache-Control: no-cache=\"a, b\"\r\n\r\n", true))
        .isEqualTo("HTTP/1.1 200 OK\r\nSet-Cookie: sp=abc; Path=/\r\nCache-Control: no-cache=\"a, b\"\r\n"
            + "Cache-Control: private\r\n\r\n");
    assertThat(shape("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true))
        .isEqualTo("HTTP/1.1 200 OK\r\nSet-Cookie: sp=abc; Path=/\r\nContent-Length: 0\r\nCache-Control: private\r\n\r\n");
  }

  @Test
  void leavesCacheControlAloneWhenAlreadyPrivateOrNoCookieIsSet() {
    String noStore = "HTTP/1.1 200 OK\r\nCache-Control: public, no-store\r\n\r\n";
    assertThat(shape(noStore, true)).isEqualTo(
        "HTTP/1.1 200 OK\r\nSet-Cookie: sp=abc; Path=/\r\nCache-Control: public, no-store\r\n\r\n");
    String priv = "HTTP/1.1 200 OK\r\nCache-Control: Private, max-age=5\r\n\r\n";
    assertThat(shape(priv, true)).isEqualTo(
        "HTTP/1.1 200 OK\r\nSet-Cookie: sp=abc; Path=/\r\nCache-Control: Private, max-age=5\r\n\r\n");
    String pub = "HTTP/1.1 200 OK\r\nCache-Control: public, max-age=600\r\n\r\n";
    assertThat(shape(pub, false)).isEqualTo(pub);
  }
}
