package io.stickypool.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.drain.PodDeletionCosts.Patch;
import io.stickypool.operator.drain.PodDeletionCosts.PodCost;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodDeletionCostsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(30);
  private static final PodCost BARE = new PodCost(null, null);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("sets the count on a bare pod", true, 7L, BARE, null, new Patch("web-0", 7)),
        Arguments.of("leaves an unknown count alone", true, null, new PodCost("3", "web"), null, null),
        Arguments.of("skips an unchanged value", true, 3L, new PodCost("3", "web"), null, null),
        Arguments.of("claims an equal value it did not write", true, 3L, new PodCost("3", null), null,
            new Patch("web-0", 3)),
        Arguments.of("waits inside the interval", true, 9L, new PodCost("3", "web"),
            NOW.minusSeconds(29), null),
        Arguments.of("patches once the interval is over", true, 9L, new PodCost("3", "web"),
            NOW.minusSeconds(30), new Patch("web-0", 9)),
        Arguments.of("clamps to int32", true, 1L << 40, BARE, null,
            new Patch("web-0", Integer.MAX_VALUE)),
        Arguments.of("never touches another pool's pod", true, 5L, new PodCost("1", "other"), null, null),
        Arguments.of("removes its own cost when off", false, 5L, new PodCost("5", "web"),
            NOW.minusSeconds(1), new Patch("web-0", null)),
        Arguments.of("keeps a user's cost when off", false, 5L, new PodCost("100", null), null, null),
        Arguments.of("keeps another pool's cost when off", false, 5L, new PodCost("5", "other"), null,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plansOnePod(String behaviour, boolean enabled, Long sessions, PodCost current,
      Instant lastPatched, Patch expected) {
    Map<BackendId, Long> counts = sessions == null ? Map.of() : Map.of(BackendId.of("web-0"), sessions);
    Map<String, Instant> history = lastPatched == null ? Map.of() : Map.of("web-0", lastPatched);

    List<Patch> plan = PodDeletionCosts.plan(
        "web", enabled, counts, Map.of("web-0", current), history, NOW, INTERVAL);

    assertThat(plan).as(behaviour).isEqualTo(expected == null ? List.of() : List.of(expected));
  }

  @Test
  void rendersTheSettingAsAMergePatch() {
    assertThat(PodDeletionCostWriter.setting("web", 4)).isEqualTo("{\"metadata\":{\"annotations\":{"
        + "\"controller.kubernetes.io/pod-deletion-cost\":\"4\","
        + "\"stickypool.io/deletion-cost-owner\":\"web\"}}}");
  }

  @Test
  void rendersTheRemovalAsAJsonPatchGuardedByTheOwner() {
    assertThat(PodDeletionCostWriter.removal("web", true)).isEqualTo("["
        + "{\"op\":\"test\",\"path\":\"/metadata/annotations/stickypool.io~1deletion-cost-owner\",\"value\":\"web\"},"
        + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/stickypool.io~1deletion-cost-owner\"},"
        + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/controller.kubernetes.io~1pod-deletion-cost\"}]");
  }
}
