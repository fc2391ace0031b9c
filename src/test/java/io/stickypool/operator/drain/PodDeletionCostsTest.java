package io.stickypool.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.operator.drain.PodDeletionCosts.Patch;
import io.stickypool.operator.drain.PodDeletionCosts.PodCost;
import io.stickypool.operator.drain.SharedBackends.Share;
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
  private static final Share NOBODY = new Share("", null);

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("sets the count on a bare pod", new Share("web", 7L), BARE, null, new Patch("web-0", 7, "web")),
        Arguments.of("sets the sum of two pools and names both", new Share("slow,web", 12L), new PodCost("5", "web"),
            null, new Patch("web-0", 12, "slow,web")),
        Arguments.of("names a pool that joins at an equal sum", new Share("slow,web", 3L), new PodCost("3", "web"),
            null, new Patch("web-0", 3, "slow,web")),
        Arguments.of("leaves an unknown sum alone", new Share("slow,web", null), new PodCost("3", "web"), null, null),
        Arguments.of("skips an unchanged value", new Share("web", 3L), new PodCost("3", "web"), null, null),
        Arguments.of("claims an equal value it did not write", new Share("web", 3L), new PodCost("3", null), null,
            new Patch("web-0", 3, "web")),
        Arguments.of("waits inside the interval", new Share("web", 9L), new PodCost("3", "web"),
            NOW.minusSeconds(29), null),
        Arguments.of("patches once the interval is over", new Share("web", 9L), new PodCost("3", "web"),
            NOW.minusSeconds(30), new Patch("web-0", 9, "web")),
        Arguments.of("clamps to int32", new Share("web", 1L << 40), BARE, null,
            new Patch("web-0", Integer.MAX_VALUE, "web")),
        Arguments.of("removes the operator's cost when no pool wants one", NOBODY, new PodCost("5", "slow,web"),
            NOW.minusSeconds(1), new Patch("web-0", null, "slow,web")),
        Arguments.of("keeps a user's cost when no pool wants one", NOBODY, new PodCost("100", null), null, null),
        Arguments.of("leaves a pod without a share alone", null, new PodCost("5", "web"), null, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plansOnePod(String behaviour, Share share, PodCost current, Instant lastPatched, Patch expected) {
    Map<String, Share> shares = share == null ? Map.of() : Map.of("web-0", share);
    Map<String, Instant> history = lastPatched == null ? Map.of() : Map.of("web-0", lastPatched);

    List<Patch> plan = PodDeletionCosts.plan(Map.of("web-0", current), shares, history, NOW, INTERVAL);

    assertThat(plan).as(behaviour).isEqualTo(expected == null ? List.of() : List.of(expected));
  }

  @Test
  void rendersTheSettingAsAMergePatch() {
    assertThat(PodDeletionCostWriter.setting("slow,web", 4)).isEqualTo("{\"metadata\":{\"annotations\":{"
        + "\"controller.kubernetes.io/pod-deletion-cost\":\"4\","
        + "\"stickypool.io/deletion-cost-owner\":\"slow,web\"}}}");
  }

  @Test
  void rendersTheRemovalAsAJsonPatchGuardedByTheOwner() {
    assertThat(PodDeletionCostWriter.removal("web", true)).isEqualTo("["
        + "{\"op\":\"test\",\"path\":\"/metadata/annotations/stickypool.io~1deletion-cost-owner\",\"value\":\"web\"},"
        + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/stickypool.io~1deletion-cost-owner\"},"
        + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/controller.kubernetes.io~1pod-deletion-cost\"}]");
  }
}
