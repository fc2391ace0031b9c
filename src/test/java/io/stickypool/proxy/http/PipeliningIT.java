package io.stickypool.proxy.http;

import static io.stickypool.testing.WireClient.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stickypool.testing.HttpWire;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ScriptedBackend;
import io.stickypool.testing.WireClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pipelined requests and their bodies, on real sockets: every body part reaches the request it
 * belongs to, in order, however the bytes were split across reads, and a backend connection goes
 * back to the pool only when both messages ended on it.
 */
@ExtendWith(LeakDetection.class)
class PipeliningIT {
  private static final Duration READ = Duration.ofSeconds(5);
  private ScriptedBackend backend;
  private ProxyUnderTest proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private void start(Duration backendTimeout) throws Exception {
    backend = ScriptedBackend.start();
    proxy = ProxyUnderTest.start(ProxyUnderTest.settings(backendTimeout), backend);
  }

  private static String post(String id, String body) {
    return "POST /" + id + " HTTP/1.1\r\nHost: a\r\nX-Req-Id: " + id + "\r\nContent-Length: " + body.length()
        + "\r\n\r\n" + body;
  }

  @Test
  void pipelinedPostsKeepTheirBodiesAtEverySplit() throws Exception {
    start(Duration.ofSeconds(5));
    String first = post("p1", "first-body");
    String second = post("p2", "second-body-is-longer");
    byte[] both = ascii(first + second);
    for (int cut = 1; cut < both.length; cut++) {
      try (WireClient c = new WireClient(proxy.port(), READ)) {
        c.sendInPieces(both, new int[] {cut}, 3_000);
        List<HttpWire.Message> answers = c.responses(2);
        assertThat(answers).as("split at byte %d", cut).extracting(HttpWire.Message::bodyText).containsExactly(
            ScriptedBackend.expectedBody("p1", "POST", "/p1", ascii("first-body")),
            ScriptedBackend.expectedBody("p2", "POST", "/p2", ascii("second-body-is-longer")));
        assertThat(answers).extracting(m -> m.header("Connection")).containsOnlyNulls();
      }
    }
    assertThat(backend.received()).hasSize(2 * (both.length - 1));
    assertThat(backend.received()).allSatisfy(r -> assertThat(r.message().bodyText())
        .isEqualTo(r.id().equals("p1") ? "first-body" : "second-body-is-longer"));
  }

  @Test
  void chunkedBodiesSplitAtEveryByteStayWhole() throws Exception {
    start(Duration.ofSeconds(5));
    String chunked = "PUT /c HTTP/1.1\r\nHost: a\r\nX-Req-Id: c1\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3;ext=1\r\nabc\r\n5\r\ndefgh\r\n0\r\nX-Trailer: t\r\n\r\n";
    byte[] both = ascii(chunked + post("p2", "xyz"));
    for (int cut = 1; cut < both.length; cut++) {
      try (WireClient c = new WireClient(proxy.port(), READ)) {
        c.sendInPieces(both, new int[] {cut}, 3_000);
        assertThat(c.responses(2)).as("split at byte %d", cut).extracting(HttpWire.Message::bodyText).containsExactly(
            ScriptedBackend.expectedBody("c1", "PUT", "/c", ascii("abcdefgh")),
            ScriptedBackend.expectedBody("p2", "POST", "/p2", ascii("xyz")));
      }
    }
    assertThat(backend.received()).filteredOn(r -> r.id().equals("c1"))
        .allSatisfy(r -> assertThat(r.message().trailer("X-Trailer")).isEqualTo("t"));
  }

  @Test
  void answersHundredPipelinedGetsInOrder() throws Exception {
    start(Duration.ofSeconds(5));
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      all.append("GET /g").append(i).append(" HTTP/1.1\r\nHost: a\r\nX-Req-Id: g").append(i).append("\r\n\r\n");
    }
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.send(all.toString());
      List<HttpWire.Message> answers = c.responses(100);
      assertThat(answers).hasSize(100);
      for (int i = 0; i < 100; i++) {
        assertThat(answers.get(i).header("X-Req-Id")).isEqualTo("g" + i);
        assertThat(answers.get(i).header("Connection")).isNull();
      }
      assertThat(c.closedByServer()).isFalse();
    }
    assertThat(backend.connectionsAccepted()).isEqualTo(1);
  }

  /**
   * The cross-client desync, step by step: client A's second pipelined POST has part of its body
   * in the same read as its head and the rest later; the backend answers before reading bodies and
   * then drops the declared length. If that first part never reached the backend, the connection
   * went back to the pool owing it bytes, and client B's head was eaten as A's body, B's own body
   * then parsed as a request ({@code GET /smuggled}) whose answer B received.
   */
  @Test
  void aBodySplitAcrossReadsNeverDesynchronisesTheNextClient() throws Exception {
    start(Duration.ofSeconds(5));
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: a\r\nX-Req-Id: smuggled\r\n\r\n";
    String requestB = "POST /b HTTP/1.1\r\nHost: a\r\nX-Req-Id: b\r\nContent-Length: " + smuggled.length()
        + "\r\n\r\n" + smuggled;
    int forwardedHeadB = headLengthAtBackend(requestB); // B's head as the proxy forwards it
    backend.mode(ScriptedBackend.Mode.ANSWER_THEN_DISCARD, 300);
    String bodyA2 = "x".repeat(forwardedHeadB) + "y".repeat(37);
    String a1 = post("a1", "hello");
    String a2 = post("a2", bodyA2);
    byte[] bytesA = ascii(a1 + a2);
    int cut = bytesA.length - 37; // a2's head and, in the same read, as many body bytes as B's head
    try (WireClient a = new WireClient(proxy.port(), READ); WireClient b = new WireClient(proxy.port(), READ)) {
      a.send(Arrays.copyOf(bytesA, cut));
      await().atMost(READ).until(() -> backend.received().size() == 2); // a1 answered and read
      a.send(Arrays.copyOfRange(bytesA, cut, bytesA.length)); // the rest, before a2's answer
      assertThat(a.responses(2)).extracting(m -> m.header("X-Req-Id")).containsExactly("a1", "a2");
      b.send(requestB);
      HttpWire.Message answer = b.response();
      assertThat(answer.header("X-Req-Id")).isEqualTo("b");
      // answered from the head alone (this backend answers before reading bodies)
      assertThat(answer.bodyText()).isEqualTo(ScriptedBackend.expectedBody("b", "POST", "/b", new byte[0]));
    }
    await().atMost(READ).until(() -> backend.received().size() == 4);
    assertThat(backend.received()).extracting(ScriptedBackend.Received::id).containsExactly("b", "a1", "a2", "b");
    assertThat(backend.received().get(2).message().bodyText()).isEqualTo(bodyA2);
    assertThat(backend.received().get(3).message().bodyText()).isEqualTo(smuggled);
  }

  /** Sends one request through the proxy and tells how long its head was when the backend read it. */
  private int headLengthAtBackend(String request) throws Exception {
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.send(request);
      assertThat(c.response().status()).isEqualTo(200);
    }
    return backend.received().get(0).message().headLength();
  }

  @Test
  void anEarlyAnswerClosesBothConnectionsInsteadOfReusingThem() throws Exception {
    start(Duration.ofSeconds(5));
    backend.mode(ScriptedBackend.Mode.ANSWER_THEN_DISCARD, 0);
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.send("POST /early HTTP/1.1\r\nHost: a\r\nX-Req-Id: early\r\nContent-Length: 10\r\n\r\nabc");
      HttpWire.Message answer = c.response();
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.header("Connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
    }
    await().atMost(READ).until(() -> backend.connectionsClosedByPeer() == 1);
    assertThat(backend.received()).isEmpty(); // it never got the 10 bytes it was promised
  }

  @Test
  void aBodyThatStopsShortIsTimedOutAndNeverPooled() throws Exception {
    start(Duration.ofMillis(800));
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.send("POST /slow HTTP/1.1\r\nHost: a\r\nX-Req-Id: slow\r\nContent-Length: 100\r\n\r\nonly-ten!!");
      HttpWire.Message answer = c.response();
      assertThat(answer.status()).isEqualTo(408);
      assertThat(answer.header("Connection")).isEqualTo("close");
      assertThat(c.closedByServer()).isTrue();
    }
    await().atMost(READ).until(() -> backend.connectionsClosedByPeer() == 1);
    assertThat(backend.received()).isEmpty();
  }

  @Test
  void aSlowButSteadyBodyIsNotTimedOut() throws Exception {
    start(Duration.ofMillis(800));
    byte[] request = ascii(post("steady", "0123456789"));
    int head = request.length - 10;
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.sendInPieces(request, new int[] {head, head + 3, head + 6, head + 9}, 400_000);
      HttpWire.Message answer = c.response();
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.bodyText()).isEqualTo(ScriptedBackend.expectedBody("steady", "POST", "/steady", ascii("0123456789")));
    }
  }
}
