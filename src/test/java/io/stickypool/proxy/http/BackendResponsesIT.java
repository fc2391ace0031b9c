package io.stickypool.proxy.http;

import static io.stickypool.testing.WireClient.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.testing.HttpWire;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.RawHttp;
import io.stickypool.testing.ScriptedBackend;
import io.stickypool.testing.WireClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Backend responses the proxy forwards as bytes, over real sockets: each kind of framing reaches
 * the client whole and ends where it should, and what cannot be passed on is answered 502 before
 * any byte, or cut after.
 */
@ExtendWith(LeakDetection.class)
class BackendResponsesIT {
  private static final Duration READ = Duration.ofSeconds(5);
  private static final String GET = "GET / HTTP/1.1\r\nHost: a\r\nX-Req-Id: g\r\n\r\n";
  private ScriptedBackend backend;
  private ProxyUnderTest proxy;

  @BeforeEach
  void start() throws Exception {
    backend = ScriptedBackend.start();
    proxy = ProxyUnderTest.start(ProxyUnderTest.settings(Duration.ofSeconds(5)), backend);
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    backend.close();
  }

  private void answer(String raw) {
    backend.answer(m -> ascii(raw));
  }

  @Test
  void closesTheClientAfterABodyThatEndsAtTheBackendsClose() throws Exception {
    backend.answer(m -> ascii("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nread me to the end"));
    String got = RawHttp.exchange(proxy.port(), GET, READ);
    assertThat(got).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close\r\n")
        .endsWith("\r\n\r\nread me to the end");
  }

  @Test
  void sendsAChunkedBodyToAnHttp10ClientAsItsDataThenCloses() throws Exception {
    answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\nT: 1\r\n\r\n");
    String got = RawHttp.exchange(proxy.port(), "GET / HTTP/1.0\r\n\r\n", READ);
    assertThat(got).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close\r\n")
        .doesNotContainIgnoringCase("transfer-encoding").endsWith("\r\n\r\nabcdefg");
  }

  @Test
  void keepsTheClientAfterAChunkedBodyAndPassesItThroughAsItCame() throws Exception {
    String body = "4\r\nabcd\r\n3;x=y\r\nefg\r\n0\r\nT: 1\r\n\r\n";
    answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.send(GET + GET);
      assertThat(c.responses(2)).extracting(HttpWire.Message::bodyText).containsExactly("abcdefg", "abcdefg");
    }
    assertThat(backend.connectionsAccepted()).isEqualTo(1);
  }

  @Test
  void dropsInterimResponsesAndForwardsTheFinalOne() throws Exception {
    answer("HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.send(GET);
      HttpWire.Message m = c.response();
      assertThat(m.bodyText()).isEqualTo("ok");
      assertThat(m.header("Link")).isNull();
    }
  }

  @Test
  void answers502ToHeadsItMayNotPassOn() throws Exception {
    for (String head : new String[] {
        "HTTP/1.1 200 OK\r\nX-A: a\r\n folded\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nX-A: a\u0001\r\nContent-Length: 0\r\n\r\n"}) {
      answer(head);
      try (WireClient c = new WireClient(proxy.port(), READ)) {
        c.send(GET);
        assertThat(c.response().status()).as(head).isEqualTo(502);
      }
    }
  }

  @Test
  void cutsTheClientWhenTheChunkedBodyBreaksAfterItsHead() throws Exception {
    answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nzz\r\n");
    try (RawHttp c = new RawHttp(proxy.port(), READ)) {
      c.send(GET);
      // The head may or may not have left before the break; no whole response ever does.
      String got = c.readUntilQuietOrClosed();
      assertThat(c.closedByPeer()).isTrue();
      assertThat(got).doesNotContain("0\r\n\r\n").doesNotContain("502");
    }
  }
}
