package io.stickypool.operator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.operator.view.LiveView;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin server on its own, with made-up answers behind it. */
class AdminServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private AdminServer admin;

  @AfterEach
  void stop() {
    admin.stop();
  }

  @Test
  void aFailingViewAnswers500AndTheProbesStillAnswer() throws Exception {
    start(() -> {
      throw new IllegalStateException("cache gone");
    });
    HttpResponse<String> view = get("/api/pools");
    assertThat(view.statusCode()).isEqualTo(500);
    assertThat(view.body()).isEqualTo("internal error serving /api/pools; see the operator's log\n");
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void servesTheDocumentItIsGiven() throws Exception {
    start(() -> LiveView.of(Instant.parse("2026-12-03T12:00:00Z"), "standby", List.of(), List.of()));
    assertThat(get("/api/pools").body())
        .isEqualTo("{\"now\":\"2026-12-03T12:00:00Z\",\"replica\":\"standby\",\"pools\":[],\"events\":[]}");
    assertThat(get("/").body()).contains("<title>StickyPool live view</title>");
  }

  private void start(Supplier<LiveView> view) {
    admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), () -> new Readiness(true, "ok\n"),
        () -> "", view);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
