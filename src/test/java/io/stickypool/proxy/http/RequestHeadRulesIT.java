package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stickypool.testing.HttpWire;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ScriptedBackend;
import io.stickypool.testing.WireClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a request head must be for the proxy to forward it, on real sockets: one valid Host
 * (RFC 9112 3.2), a target a reverse proxy serves, a framing the proxy reads exactly, a bounded
 * header count, and no protocol switch but WebSocket. Each refusal closes the connection, and the
 * backend never sees the request.
 */
@ExtendWith(LeakDetection.class)
class RequestHeadRulesIT {
  private static final Duration READ = Duration.ofSeconds(5);
  private static ScriptedBackend backend;
  private static ProxyUnderTest proxy;

  @BeforeAll
  static void start() throws Exception {
    backend = ScriptedBackend.start();
    proxy = ProxyUnderTest.start(ProxyUnderTest.settings(Duration.ofSeconds(5)), backend);
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.close();
    backend.close();
  }

  @BeforeEach
  void answerNormally() {
    backend.answer(null);
  }

  static Stream<Arguments> refused() {
    String many = "X-H: 1\r\n".repeat(1000);
    return Stream.of(
        Arguments.of("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        Arguments.of("no Host in HTTP/1.1", "GET / HTTP/1.1\r\nX-Req-Id: x\r\n\r\n", 400),
        Arguments.of("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        Arguments.of("Host with userinfo", "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400),
        Arguments.of("Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        Arguments.of("Host with two ports", "GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n", 400),
        Arguments.of("absolute-form with userinfo", "GET http://u@other.example/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("absolute-form of another scheme", "GET ftp://other.example/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("relative target", "GET index.html HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("asterisk for GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        Arguments.of("CONNECT", "CONNECT other.example:443 HTTP/1.1\r\nHost: other.example:443\r\n\r\n", 405),
        Arguments.of("1,000 header fields", "GET / HTTP/1.1\r\nHost: a\r\n" + many + "\r\n", 431),
        Arguments.of("unknown transfer coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("coding after chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("coding before chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
        Arguments.of("chunked twice", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("chunked in HTTP/1.0", "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("unknown expectation", "POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx", 417));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesAndCloses(String name, String request, int status) throws Exception {
    int seen = backend.received().size();
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.send(request + "GET /after HTTP/1.1\r\nHost: a\r\nX-Req-Id: after\r\n\r\n");
      HttpWire.Message answer = c.response();
      assertThat(answer.status()).isEqualTo(status);
      assertThat(answer.header("Connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(backend.received()).hasSize(seen);
  }

  @Test
  void acceptsAsManyHeaderFieldsAsTheLimit() throws Exception {
    String request = "GET /full HTTP/1.1\r\nHost: a\r\nX-Req-Id: full\r\n" + "X-H: 1\r\n".repeat(98) + "\r\n";
    assertThat(forward(request).header("X-Req-Id")).isEqualTo("full");
  }

  @Test
  void forwardsHttp10WithoutHost() throws Exception {
    assertThat(forward("GET /old HTTP/1.0\r\nX-Req-Id: old\r\n\r\n").header("X-Req-Id")).isEqualTo("old");
  }

  @Test
  void rewritesAbsoluteFormToOriginFormWithItsAuthority() throws Exception {
    forward("GET http://other.example:8080/p?q=1 HTTP/1.1\r\nHost: a.example\r\nX-Req-Id: abs\r\n\r\n");
    HttpWire.Message seen = lastSeen("abs");
    assertThat(seen.target()).isEqualTo("/p?q=1");
    assertThat(seen.headerCount("Host")).isEqualTo(1);
    assertThat(seen.header("Host")).isEqualTo("other.example:8080");
    assertThat(seen.header("X-Forwarded-Host")).isEqualTo("other.example:8080");
  }

  @Test
  void acceptsIpLiteralHostAndAsteriskOptions() throws Exception {
    forward("OPTIONS * HTTP/1.1\r\nHost: [::1]:80\r\nX-Req-Id: star\r\n\r\n");
    assertThat(lastSeen("star").target()).isEqualTo("*");
    assertThat(lastSeen("star").header("Host")).isEqualTo("[::1]:80");
  }

  @Test
  void dropsAnH2cUpgradeAndAnswersOverHttp11() throws Exception {
    HttpWire.Message answer = forward("GET /h2c HTTP/1.1\r\nHost: a\r\nX-Req-Id: h2c\r\n"
        + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
    assertThat(answer.status()).isEqualTo(200);
    HttpWire.Message seen = lastSeen("h2c");
    assertThat(seen.header("Upgrade")).isNull();
    assertThat(seen.header("HTTP2-Settings")).isNull();
    assertThat(seen.header("Connection")).isNull();
  }

  @Test
  void dropsAnUpgradeOnARequestWithABody() throws Exception {
    forward("POST /ws HTTP/1.1\r\nHost: a\r\nX-Req-Id: wsbody\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        + "Content-Length: 3\r\n\r\nabc");
    assertThat(lastSeen("wsbody").header("Upgrade")).isNull();
    assertThat(lastSeen("wsbody").bodyText()).isEqualTo("abc");
  }

  @Test
  void refusesASwitchingProtocolsAnswerNobodyAskedFor() throws Exception {
    backend.answer(request -> ("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
        + "GET /tunnelled HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.send("GET /h2c HTTP/1.1\r\nHost: a\r\nX-Req-Id: sw\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
          + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
      assertThat(c.response().status()).isEqualTo(502);
      backend.answer(null);
      c.send("GET /next HTTP/1.1\r\nHost: a\r\nX-Req-Id: next\r\n\r\n"); // still HTTP, not a tunnel
      assertThat(c.response().header("X-Req-Id")).isEqualTo("next");
    }
  }

  @Test
  void keepsFramingFieldsThatConnectionNames() throws Exception {
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.send("POST /cl HTTP/1.1\r\nHost: a\r\nX-Req-Id: cl\r\nConnection: Content-Length, Host\r\n"
          + "Content-Length: 44\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\nX-Req-Id: s\r\n\r\n");
      assertThat(c.response().header("X-Req-Id")).isEqualTo("cl");
    }
    HttpWire.Message seen = lastSeen("cl");
    assertThat(seen.header("Content-Length")).isEqualTo("44");
    assertThat(seen.header("Host")).isEqualTo("a");
    assertThat(backend.received()).noneMatch(r -> "s".equals(r.id()));
  }

  private HttpWire.Message forward(String request) throws Exception {
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.send(request);
      HttpWire.Message answer = c.response();
      assertThat(answer.status()).isEqualTo(200);
      return answer;
    }
  }

  private HttpWire.Message lastSeen(String id) {
    await().atMost(READ).until(() -> backend.received().stream().anyMatch(r -> id.equals(r.id())));
    return backend.received().stream().filter(r -> id.equals(r.id())).reduce((a, b) -> b).orElseThrow().message();
  }
}
