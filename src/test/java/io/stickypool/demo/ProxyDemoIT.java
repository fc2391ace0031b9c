package io.stickypool.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo is also a test: a short run must end with no failed request and no wrong move. */
class ProxyDemoIT {
  @Test
  void drainingABackendMovesOnlyItsSessionsOnceAndFailsNothing() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    DemoSummary s =
        new ProxyDemo(new PrintStream(text, true, StandardCharsets.UTF_8), 40, Duration.ofSeconds(1)).run();
    assertThat(s.failed()).isZero();
    assertThat(s.wrongMoves()).isZero();
    assertThat(s.sessionsOnDrained()).isEqualTo(10);
    assertThat(s.sessionsMoved()).isEqualTo(10);
    assertThat(text.toString(StandardCharsets.UTF_8)).contains("summary: ").contains("0 failed");
  }

  @Test
  void placementSimulationMovesNoKeyOfASurvivingBackend() {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    int moved = new PlacementSimulation(new PrintStream(text, true, StandardCharsets.UTF_8), 4000, 7).run();
    assertThat(moved).isZero();
    assertThat(text.toString(StandardCharsets.UTF_8)).contains("web-0=1000");
  }
}
