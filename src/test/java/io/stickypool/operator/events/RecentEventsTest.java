package io.stickypool.operator.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentEventsTest {
  private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

  @Test
  void listsNewestFirst() {
    RecentEvents recent = new RecentEvents(10);
    recent.add("ns", "web", EventReason.BACKEND_DRAINING, "Backend web-1 draining", T0);
    recent.add("ns", "web", EventReason.BACKEND_DRAINED, "Backend web-1 drained", T0.plusSeconds(5));

    assertThat(recent.newestFirst()).extracting(RecentEvents.Entry::reason)
        .containsExactly("BackendDrained", "BackendDraining");
    assertThat(recent.newestFirst().get(0)).isEqualTo(new RecentEvents.Entry("ns", "web", "Normal",
        "BackendDrained", "Backend web-1 drained", 1, T0.plusSeconds(5), T0.plusSeconds(5)));
  }

  @Test
  void countsARepeatAndMovesItToTheTopAsTheRecorderAggregates() {
    RecentEvents recent = new RecentEvents(10);
    recent.add("ns", "web", EventReason.PROXY_UNAVAILABLE, "0/2 proxy replicas ready", T0);
    recent.add("ns", "web", EventReason.ROUTES_UPDATED, "Routes v1 -> v2", T0.plusSeconds(1));
    recent.add("ns", "web", EventReason.PROXY_UNAVAILABLE, "0/2 proxy replicas ready", T0.plusSeconds(9));

    assertThat(recent.newestFirst()).hasSize(2);
    RecentEvents.Entry top = recent.newestFirst().get(0);
    assertThat(top.type()).isEqualTo("Warning");
    assertThat(top.count()).isEqualTo(2);
    assertThat(top.first()).isEqualTo(T0);
    assertThat(top.last()).isEqualTo(T0.plusSeconds(9));
  }

  @Test
  void keepsTheSameMessageOfAnotherPoolApart() {
    RecentEvents recent = new RecentEvents(10);
    recent.add("ns", "web", EventReason.ROUTES_UPDATED, "Routes v1 -> v2", T0);
    recent.add("ns", "api", EventReason.ROUTES_UPDATED, "Routes v1 -> v2", T0);
    recent.add("other", "web", EventReason.ROUTES_UPDATED, "Routes v1 -> v2", T0);

    assertThat(recent.newestFirst()).extracting(RecentEvents.Entry::count).containsExactly(1, 1, 1);
  }

  @Test
  void dropsTheOldestBeyondItsCapacity() {
    RecentEvents recent = new RecentEvents(3);
    for (int v = 1; v <= 5; v++) {
      recent.add("ns", "web", EventReason.ROUTES_UPDATED, "Routes v" + v, T0.plusSeconds(v));
    }
    assertThat(recent.newestFirst()).extracting(RecentEvents.Entry::message)
        .containsExactly("Routes v5", "Routes v4", "Routes v3");
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThatThrownBy(() -> new RecentEvents(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
