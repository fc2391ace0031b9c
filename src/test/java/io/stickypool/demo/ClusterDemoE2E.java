package io.stickypool.demo;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * `make demo ARGS=--short` in-process: the story must end with nothing failed, nobody moved without
 * cause, some sessions of the leaving pods ended by their users leaving and the rest moved, and every
 * number the demo printed agreeing with the others (its own summary checks).
 */
class ClusterDemoE2E {
  @Test
  @Timeout(120)
  void scaleDownDrainsTheLeavingPodsAndMovesOnlyTheirUsersOnce() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);
    long t0 = System.nanoTime();
    // What a user who opens the printed live view address sees while the story runs.
    CompletableFuture<String> liveView = CompletableFuture.supplyAsync(() -> {
      Pattern url = Pattern.compile("live view of the pool \\(open it in a browser\\): (http://127\\.0\\.0\\.1:\\d+/)");
      Matcher m = await().atMost(Duration.ofSeconds(60)).until(
          () -> url.matcher(bytes.toString(StandardCharsets.UTF_8)), Matcher::find);
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest pools = HttpRequest.newBuilder(URI.create(m.group(1) + "api/pools")).build();
      return await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> http.send(pools, HttpResponse.BodyHandlers.ofString()).body(), body -> body.contains("\"web\""));
    });

    ClusterDemoSummary s = new ClusterDemo(both, ClusterDemoOptions.shortRun(40, false)).run();

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(s.removed()).hasSize(2);
    assertStoryHeldTogether(s);
    assertThat(s.eventReasons()).contains("BackendDraining", "BackendDrained");
    assertThat(s.ok()).isTrue();
    assertThat(text).contains("kubectl --kubeconfig ").contains("[simulator] pod web-0 started")
        .contains("[event").contains("RESULT: OK").contains("ended on their own")
        .doesNotContain("REMOVED -> ACTIVE").contains("Backend web-0 added: a new ready endpoint")
        .as("not a terminal: plain lines, no ANSI codes").doesNotContain("\u001b[");
    assertThat(liveView.get(10, TimeUnit.SECONDS)).as("the live view's JSON during the demo").contains("\"web\"");
    assertThat(text.split("\\[table ", -1).length - 1).as("tables printed only when a row changed")
        .isLessThan(30);
    System.out.printf("short cluster demo took %d ms%n", Duration.ofNanos(System.nanoTime() - t0).toMillis());
  }

  /**
   * The demo's own checks: no request failed, nobody moved without cause, some of the leaving
   * pods' sessions ended by their users leaving and the rest moved, and every number agreed.
   */
  static void assertStoryHeldTogether(ClusterDemoSummary s) {
    assertThat(s.failed()).as("failed requests, first: %s", s.firstFailure()).isZero();
    assertThat(s.wrongMoves()).as("sessions that moved without cause").isZero();
    assertThat(s.sessionsMoved()).as("users of the removed backends still there at the deadline, each moved once")
        .isPositive();
    assertThat(s.sessionsEnded()).as("users of the removed backends who left during the drain").isPositive();
    assertThat(s.left()).as("users who left").isPositive().isLessThan(s.users());
    assertThat(s.leaving()).containsOnlyKeys(s.removed());
    assertThat(s.numbersAgree()).as("Events, status table and the users' journeys agree: %s", s).isTrue();
  }

  /** Keeps the demo's output visible in the test log while capturing it. */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
