package io.stickypool.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** `make demo ARGS=--short` in-process: the story must end with nothing failed and nobody moved without cause. */
class ClusterDemoE2E {
  @Test
  @Timeout(120)
  void scaleDownDrainsTheLeavingPodsAndMovesOnlyTheirUsersOnce() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);
    long t0 = System.nanoTime();

    ClusterDemoSummary s = new ClusterDemo(both, ClusterDemoOptions.shortRun(40, false)).run();

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(s.failed()).as("failed requests, first: %s", s.firstFailure()).isZero();
    assertThat(s.removed()).hasSize(2);
    assertThat(s.wrongMoves()).as("sessions that moved without cause").isZero();
    assertThat(s.sessionsMoved()).as("users of the removed backends, each moved once").isPositive();
    assertThat(s.movedFrom()).containsOnlyKeys(s.removed());
    assertThat(s.eventsAgree()).as("the SessionsRebalanced Events said %s moved, the users' journeys %s",
        s.toldMovedFrom(), s.movedFrom()).isTrue();
    assertThat(s.eventReasons()).contains("BackendDraining", "BackendDrained");
    assertThat(s.ok()).isTrue();
    assertThat(text).contains("kubectl --kubeconfig ").contains("[simulator] pod web-0 started")
        .contains("[event").contains("RESULT: OK");
    System.out.printf("short cluster demo took %d ms%n", Duration.ofNanos(System.nanoTime() - t0).toMillis());
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
