package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.proxy.server.ProxyServer;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ProxyHarness;
import io.stickypool.testing.WireClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shutdown report says what happened to each open connection and how long stopping took. */
@ExtendWith(LeakDetection.class)
class ShutdownReportIT {

  @Test
  void forcesARequestThatOutlastsTheGraceAndSaysHowLongItTook() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(1, KeyRing.generate(new SecureRandom()));
        WireClient idle = new WireClient(h.port(), Duration.ofSeconds(5))) {
      assertThat(idle.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n").response().status()).isEqualTo(200);
      CompletableFuture<HttpResponse<String>> slow = h.client.sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/slow/5000")).build(),
          HttpResponse.BodyHandlers.ofString());
      await().atMost(Duration.ofSeconds(5)).until(() -> h.backend("b0").requests() == 2);

      ProxyServer.ShutdownReport report = h.proxy.shutdown(Duration.ofMillis(400));

      assertThat(report).extracting(ProxyServer.ShutdownReport::open, ProxyServer.ShutdownReport::idleClosed,
          ProxyServer.ShutdownReport::finished, ProxyServer.ShutdownReport::forced).containsExactly(2, 1, 0, 1);
      assertThat(report.took()).isBetween(Duration.ofMillis(400), Duration.ofSeconds(4));
      assertThat(report.describe()).startsWith("2 connections open: 1 idle closed, 0 finished, 1 forced; took ");
      assertThat(idle.closedByServer()).isTrue();
      assertThat(slow).failsWithin(Duration.ofSeconds(5));
    }
  }

  /**
   * A stop with idle keep-alive connections on both sides leaves no read buffer behind: on io_uring
   * each of them has a read pending in the kernel, and its buffer is released only when that read's
   * cancellation completes (LeakDetection fails the class otherwise). Shutdown now closes both
   * sides and waits for that before the event loops stop. The full suite once reported such a
   * buffer leaked; 120 such stops did not reproduce it before that change either, so this guards
   * the order of the steps rather than proving the race gone.
   */
  @Test
  void stopsWithIdleConnectionsOnBothSidesWithoutLeavingABuffer() throws Exception {
    for (int i = 0; i < 20; i++) {
      try (ProxyHarness h = ProxyHarness.cookieMode(1, KeyRing.generate(new SecureRandom()));
          WireClient idle = new WireClient(h.port(), Duration.ofSeconds(5))) {
        assertThat(idle.send("GET / HTTP/1.1\r\nHost: test\r\n\r\n").response().status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> h.proxy.connections().busy() == 0);

        ProxyServer.ShutdownReport report = h.proxy.shutdown(Duration.ZERO);

        assertThat(report.idleClosed()).isEqualTo(1);
        assertThat(idle.closedByServer()).isTrue();
      }
    }
  }

  @Test
  void takesNoLongerThanClosingWhenNothingIsInFlight() throws Exception {
    try (ProxyHarness h = ProxyHarness.cookieMode(1, KeyRing.generate(new SecureRandom()))) {
      h.session().get("/");
      // The client can read the last byte a moment before the proxy's event loop marks the
      // exchange done; "nothing in flight" starts then.
      await().atMost(Duration.ofSeconds(5)).until(() -> h.proxy.connections().busy() == 0);

      ProxyServer.ShutdownReport report = h.proxy.shutdown(Duration.ofSeconds(30));

      assertThat(report.open()).isEqualTo(1);
      assertThat(report.idleClosed()).isEqualTo(1);
      assertThat(report.forced()).isZero();
      assertThat(report.took()).isLessThan(Duration.ofSeconds(5));
      assertThat(report.describe()).matches("1 connection open: 1 idle closed, 0 finished, 0 forced; took \\d+ms");
    }
  }

  @Test
  void writesSecondsOnceStoppingTakesASecondOrMore() {
    assertThat(new ProxyServer.ShutdownReport(3, 1, 1, 1, Duration.ofMillis(10_034)).describe())
        .isEqualTo("3 connections open: 1 idle closed, 1 finished, 1 forced; took 10.03s");
  }
}
