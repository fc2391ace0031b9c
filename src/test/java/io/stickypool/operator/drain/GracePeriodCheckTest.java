package io.stickypool.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.operator.drain.GracePeriodCheck.Fit;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GracePeriodCheckTest {
  private static final Duration FIVE_MINUTES = Duration.ofSeconds(300);

  @Test
  void flagsPodsWhoseGraceIsShorterThanTheDrainTimeout() {
    Map<String, Long> grace = new HashMap<>();
    grace.put("web-0", 30L);
    grace.put("web-1", null);
    grace.put("web-2", 120L);
    grace.put("web-3", 600L);

    var r = GracePeriodCheck.check(FIVE_MINUTES, grace);

    assertThat(r.fit()).isEqualTo(Fit.TOO_SHORT);
    assertThat(r.shortestSeconds()).isEqualTo(30L);
    assertThat(r.affected()).containsExactly("web-0", "web-1", "web-2");
    assertThat(r.message()).startsWith("3 backend pods have terminationGracePeriodSeconds 30"
        + " < drainTimeout 300s (web-0, web-1, web-2): they are killed before their sessions drain")
        .contains("docs/draining.md");
  }

  @Test
  void fitsWhenEveryGraceCoversTheDrainTimeout() {
    var r = GracePeriodCheck.check(FIVE_MINUTES, Map.of("web-0", 300L, "web-1", 600L));

    assertThat(r.fit()).isEqualTo(Fit.FITS);
    assertThat(r.shortestSeconds()).isEqualTo(300L);
    assertThat(r.affected()).isEmpty();
    assertThat(r.message()).isEqualTo(
        "all 2 backend pods have terminationGracePeriodSeconds >= drainTimeout 300s (shortest 300)");
  }

  @Test
  void unsetGraceIsKubernetesDefaultOf30Seconds() {
    Map<String, Long> grace = new HashMap<>();
    grace.put("web-0", null);

    assertThat(GracePeriodCheck.check(Duration.ofSeconds(30), grace).fit()).isEqualTo(Fit.FITS);
    assertThat(GracePeriodCheck.check(Duration.ofSeconds(31), grace).fit()).isEqualTo(Fit.TOO_SHORT);
  }

  @Test
  void isUnknownWhenNoPodWasRead() {
    var r = GracePeriodCheck.check(FIVE_MINUTES, Map.of());

    assertThat(r.fit()).isEqualTo(Fit.UNKNOWN);
    assertThat(r.shortestSeconds()).isNull();
  }
}
