package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.proxy.server.ProxyServer;
import io.stickypool.proxy.server.Transport;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.RawHttp;
import io.stickypool.testing.TestBackend;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP engine alone (no affinity), over real loopback sockets with real clients. */
@ExtendWith(LeakDetection.class)
class HttpEngineIT {
  private static TestBackend b0;
  private static TestBackend b1;
  private static ProxyServer server;
  private static FixedRouter router;
  private static int port;
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    b0 = TestBackend.start("b0");
    b1 = TestBackend.start("b1");
    router =
        new FixedRouter(
            List.of(
                new InetSocketAddress("127.0.0.1", b0.port()),
                new InetSocketAddress("127.0.0.1", b1.port())),
            true);
    ProxySettings settings =
        ProxySettings.defaults()
            .withHeaderTimeout(Duration.ofMillis(500))
            .withBackendTimeout(Duration.ofSeconds(2));
    ProxyContext ctx = new ProxyContext(router, settings, Transport.best());
    server = new ProxyServer(ctx, Transport.best(), 2);
    port = server.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
  }

  @AfterAll
  static void stop() throws Exception {
    server.shutdown(Duration.ofSeconds(1));
    b0.close();
    b1.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void forwardsRequestAndSetsForwardingHeaders() throws Exception {
    HttpResponse<String> r = get("/hello");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("b0");
    assertThat(r.headers().firstValue("X-Seen-X-Forwarded-For")).hasValue("127.0.0.1");
    assertThat(r.headers().firstValue("X-Seen-X-Forwarded-Proto")).hasValue("http");
    assertThat(r.headers().firstValue("X-Seen-X-Forwarded-Host")).hasValue("127.0.0.1:" + port);
    assertThat(r.headers().firstValue("X-Seen-Forwarded")).hasValue("for=127.0.0.1;proto=http;host=\"127.0.0.1:" + port + "\"");
    assertThat(r.headers().firstValue("X-Routed-To")).hasValue("b0");
  }

  @Test
  void reusesBackendConnectionsAcrossRequests() throws Exception {
    int before = b1.connectionsAccepted();
    for (int i = 0; i < 50; i++) {
      HttpResponse<String> r =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/k")).header("X-Route", "1").build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("b1");
    }
    assertThat(b1.connectionsAccepted() - before).isLessThanOrEqualTo(2);
  }

  @Test
  void streamsLargeDownloadsByteForByte() throws Exception {
    int size = 24 * 1024 * 1024;
    HttpResponse<byte[]> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/download/" + size)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).hasSize(size);
    assertThat(TestBackend.matchesDownloadPattern(r.body())).isTrue();
  }

  @Test
  void streamsLargeChunkedUploads() throws Exception {
    int size = 16 * 1024 * 1024;
    byte[] data = new byte[size];
    new java.util.Random(7).nextBytes(data);
    CRC32 crc = new CRC32();
    crc.update(data);
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo(size + " " + crc.getValue());
  }

  @Test
  void headResponsesCarryNoBody() throws Exception {
    String raw = RawHttp.exchangeUntil(port, "HEAD /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y HTTP/1.1\r\nHost: a\r\n\r\n", "b0", Duration.ofSeconds(5));
    assertThat(raw).startsWith("HTTP/1.1 200 OK");
    assertThat(raw.indexOf("HTTP/1.1 200 OK", 5)).isPositive();
    assertThat(raw).endsWith("b0");
  }

  @Test
  void answersPipelinedRequestsInOrder() throws Exception {
    String raw =
        RawHttp.exchangeUntil(
            port,
            "GET /a HTTP/1.1\r\nHost: a\r\nX-Route: 1\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nX-Route: 0\r\n\r\n",
            "b0",
            Duration.ofSeconds(5));
    assertThat(raw.indexOf("\r\n\r\nb1")).isLessThan(raw.indexOf("\r\n\r\nb0"));
    assertThat(raw.indexOf("\r\n\r\nb1")).isPositive();
  }

  @Test
  void handles100Continue() throws Exception {
    try (RawHttp c = new RawHttp(port, Duration.ofMillis(100))) {
      c.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
      assertThat(c.readUntilEndsWith("\r\n\r\n", Duration.ofSeconds(5))).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
      c.send("hello");
      assertThat(c.readUntilEndsWith("5 907060870", Duration.ofSeconds(5))).contains("200 OK").endsWith("5 907060870");
    }
  }

  @Test
  void rejectsOverlongRequestLineWith414() throws Exception {
    String raw = RawHttp.exchange(port, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", Duration.ofSeconds(2));
    assertThat(raw).startsWith("HTTP/1.1 414");
  }

  @Test
  void rejectsOversizedHeadersWith431() throws Exception {
    String raw = RawHttp.exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(20000) + "\r\n\r\n", Duration.ofSeconds(2));
    assertThat(raw).startsWith("HTTP/1.1 431");
  }

  @Test
  void rejectsContentLengthWithTransferEncodingAndCloses() throws Exception {
    try (RawHttp c = new RawHttp(port, Duration.ofSeconds(2))) {
      c.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
      String raw = c.readUntilQuietOrClosed();
      assertThat(raw).startsWith("HTTP/1.1 400").doesNotContain("200 OK");
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void rejectsDuplicateContentLength() throws Exception {
    String raw = RawHttp.exchange(port, "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde", Duration.ofSeconds(2));
    assertThat(raw).startsWith("HTTP/1.1 400");
  }

  @Test
  void rejectsBadChunkSize() throws Exception {
    String raw = RawHttp.exchange(port, "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", Duration.ofSeconds(2));
    assertThat(raw).startsWith("HTTP/1.1 400");
  }

  @Test
  void answers408ToClientsThatNeverFinishHeaders() throws Exception {
    try (RawHttp c = new RawHttp(port, Duration.ofSeconds(3))) {
      c.send("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: 1");
      String raw = c.readUntilQuietOrClosed();
      assertThat(raw).startsWith("HTTP/1.1 408");
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void relaysWebSocketBothWays() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws =
        CLIENT.newWebSocketBuilder()
            .header("X-Route", "1")
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    reply.complete(data.toString());
                    return null;
                  }
                })
            .get(5, TimeUnit.SECONDS);
    ws.sendText("ping", true);
    assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo("b1:ping");
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
  }

  @Test
  void answers502WhenBackendSendsGarbage() throws Exception {
    try (java.net.ServerSocket garbage = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (var s = garbage.accept()) {
          s.getInputStream().read(new byte[1024]);
          s.getOutputStream().write("NOT HTTP AT ALL\r\n\r\n".getBytes());
        } catch (Exception ignored) {
          // the test asserts on what the client sees
        }
      });
      t.start();
      FixedRouter one = new FixedRouter(List.of(new InetSocketAddress("127.0.0.1", garbage.getLocalPort())));
      ProxyServer s2 = new ProxyServer(new ProxyContext(one, ProxySettings.defaults(), Transport.best()), Transport.best(), 1);
      int p2 = s2.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
      try {
        HttpResponse<String> r = CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p2 + "/")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(502);
      } finally {
        s2.shutdown(Duration.ZERO);
        t.join(2000);
      }
    }
  }

  @Test
  void readsDownloadSlowlyWithoutBufferingItAll() throws Exception {
    HttpResponse<InputStream> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/download/" + (8 * 1024 * 1024))).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      byte[] buf = new byte[65536];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
      }
      assertThat(total).isEqualTo(8 * 1024 * 1024);
    }
  }
}
