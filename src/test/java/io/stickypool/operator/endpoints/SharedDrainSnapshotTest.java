package io.stickypool.operator.endpoints;

import static io.stickypool.operator.endpoints.Slices.http;
import static io.stickypool.operator.endpoints.Slices.pod;
import static io.stickypool.operator.endpoints.Slices.slice;
import static io.stickypool.operator.endpoints.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.drain.BackendDrainStatus;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.core.drain.DrainPolicy;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A pool whose backend pod another pool still uses: its own drain ends as usual, but the snapshot
 * keeps the backend DRAINING with a passed deadline until the hold is lifted. Drain timeout 2 s.
 */
class SharedDrainSnapshotTest {
  private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
  private static final SnapshotBuilder BUILDER = new SnapshotBuilder(
      new DrainPolicy(Duration.ofSeconds(2), Duration.ofHours(1)),
      AffinitySettings.cookie(CookieSettings.defaults()), PlacementSettings.defaults());
  private static final BackendId WEB_1 = BackendId.of("web-1");
  private static final Map<BackendId, SortedSet<String>> BY_SLOW = Map.of(WEB_1, new TreeSet<>(List.of("slow")));

  private RoutingSnapshot snapshot;
  private Map<BackendId, BackendDrainStatus> statuses = Map.of();

  @Test
  void holdsADrainedBackendWithAPassedDeadlineUntilTheOtherPoolIsDone() {
    sync(0, Map.of(), ready());
    EndpointSync draining = sync(1, BY_SLOW, web1Terminating());
    assertThat(backend(draining).state()).isEqualTo(BackendState.DRAINING);
    assertThat(draining.held()).as("this pool's own drain still runs").isEmpty();

    EndpointSync ended = sync(3, BY_SLOW, web1Terminating());
    assertThat(ended.statuses().get(WEB_1).phase()).isEqualTo(DrainPhase.DRAINED);
    assertThat(backend(ended).state()).isEqualTo(BackendState.DRAINING);
    assertThat(backend(ended).drainDeadline()).as("when its drain here ended").isEqualTo(T0.plusSeconds(3));
    assertThat(backend(ended).servesPinnedSessionsAt(T0.plusSeconds(3))).isFalse();
    assertThat(ended.held()).containsEntry(WEB_1, new TreeSet<>(List.of("slow")));
    assertThat(ended.newlyHeld()).containsExactly(WEB_1);

    EndpointSync still = sync(5, BY_SLOW, web1Terminating());
    assertThat(still.snapshotChanged()).as("a hold that goes on publishes nothing new").isFalse();
    assertThat(still.newlyHeld()).isEmpty();

    EndpointSync released = sync(7, Map.of(), web1Terminating());
    assertThat(backend(released).state()).isEqualTo(BackendState.DRAINED);
    assertThat(released.released()).containsExactly(WEB_1);
    assertThat(released.held()).isEmpty();
  }

  @Test
  void aBackendThatDrainsAtOnceIsHeldFromTheStart() {
    sync(0, Map.of(), ready());
    EndpointSync ended = sync(1, Map.of(WEB_1, SessionStats.of(0, T0)), web1Terminating(),
        BY_SLOW);

    assertThat(ended.statuses().get(WEB_1).phase()).isEqualTo(DrainPhase.DRAINED);
    assertThat(backend(ended).state()).isEqualTo(BackendState.DRAINING);
    assertThat(backend(ended).drainDeadline()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void holdsOnlyDrainedBackends() {
    EndpointSync first = sync(0, BY_SLOW, ready());

    assertThat(backend(first).state()).isEqualTo(BackendState.ACTIVE);
    assertThat(first.held()).isEmpty();
  }

  private EndpointSync sync(long second, Map<BackendId, SortedSet<String>> holds, EndpointSlice slice) {
    return sync(second, Map.of(), slice, holds);
  }

  private EndpointSync sync(long second, Map<BackendId, SessionStats> sessions, EndpointSlice slice,
      Map<BackendId, SortedSet<String>> holds) {
    ObservedEndpoints observed = EndpointSliceMapper.map(Slices.SERVICE, List.of(slice), PortRef.named("http"));
    EndpointSync result = BUILDER.next(snapshot, statuses, observed, sessions, holds, T0.plusSeconds(second));
    snapshot = result.snapshot();
    statuses = result.statuses();
    return result;
  }

  private static Backend backend(EndpointSync sync) {
    return sync.snapshot().backends().stream().filter(b -> b.id().equals(WEB_1)).findFirst().orElseThrow();
  }

  private static EndpointSlice ready() {
    return slice("web-abc", http(8080), pod("web-0", "10.0.0.10"), pod("web-1", "10.0.0.11"));
  }

  private static EndpointSlice web1Terminating() {
    return slice("web-abc", http(8080), pod("web-0", "10.0.0.10"), terminating("web-1", "10.0.0.11"));
  }
}
