package io.stickypool.operator.endpoints;

import static io.stickypool.core.drain.DrainTransition.BECAME_ACTIVE;
import static io.stickypool.core.drain.DrainTransition.DRAIN_COMPLETED_NO_SESSIONS;
import static io.stickypool.core.drain.DrainTransition.DRAIN_TIMED_OUT;
import static io.stickypool.core.drain.DrainTransition.REMOVED;
import static io.stickypool.core.drain.DrainTransition.STARTED_DRAINING;
import static io.stickypool.operator.endpoints.Slices.http;
import static io.stickypool.operator.endpoints.Slices.pod;
import static io.stickypool.operator.endpoints.Slices.slice;
import static io.stickypool.operator.endpoints.Slices.terminating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stickypool.contract.RoutingSnapshotCodec;
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
import io.stickypool.testing.Golden;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Syncs in sequence, each feeding the previous result into the next, as the reconciler will.
 * Policy: 300 s drain timeout, 60 s idle threshold; cookie affinity with defaults.
 */
class SnapshotBuilderTest {
  private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
  private static final DrainPolicy POLICY =
      new DrainPolicy(Duration.ofSeconds(300), Duration.ofSeconds(60));
  private static final SnapshotBuilder BUILDER = new SnapshotBuilder(
      POLICY, AffinitySettings.cookie(CookieSettings.defaults()), PlacementSettings.defaults());

  /** The reconciler's memory between syncs. */
  private static final class Pool {
    private final SnapshotBuilder builder;
    private RoutingSnapshot snapshot;
    private Map<BackendId, BackendDrainStatus> statuses = Map.of();

    Pool(SnapshotBuilder builder) {
      this.builder = builder;
    }

    EndpointSync sync(long atSecond, Map<String, SessionStats> sessions, EndpointSlice... slices) {
      ObservedEndpoints observed =
          EndpointSliceMapper.map(Slices.SERVICE, List.of(slices), PortRef.named("http"));
      Map<BackendId, SessionStats> byId = new HashMap<>();
      sessions.forEach((id, stats) -> byId.put(BackendId.of(id), stats));
      EndpointSync result =
          builder.next(snapshot, statuses, observed, byId, T0.plusSeconds(atSecond));
      snapshot = result.snapshot();
      statuses = result.statuses();
      return result;
    }

    EndpointSync sync(long atSecond, EndpointSlice... slices) {
      return sync(atSecond, Map.of(), slices);
    }
  }

  private static EndpointSlice fourReady() {
    return slice("web-abc", http(8080), pod("web-0", "10.0.0.10"), pod("web-1", "10.0.0.11"),
        pod("web-2", "10.0.0.12"), pod("web-3", "10.0.0.13"));
  }

  private static EndpointSlice twoTerminating() {
    return slice("web-abc", http(8080), pod("web-0", "10.0.0.10"), pod("web-1", "10.0.0.11"),
        terminating("web-2", "10.0.0.12"), terminating("web-3", "10.0.0.13"));
  }

  private static EndpointSlice twoLeft() {
    return slice("web-abc", http(8080), pod("web-0", "10.0.0.10"), pod("web-1", "10.0.0.11"));
  }

  private static List<Object> states(RoutingSnapshot snapshot) {
    return snapshot.backends().stream()
        .map(b -> (Object) (b.id() + "=" + b.state())).toList();
  }

  @Test
  void drainsTwoBackendsThroughAScaleDown() {
    Pool pool = new Pool(BUILDER);
    Instant deadline = T0.plusSeconds(10 + 300);

    EndpointSync first = pool.sync(0, fourReady());
    assertThat(first.snapshot().version()).isEqualTo(1);
    assertThat(first.transitions()).extracting(BackendTransition::transition)
        .containsExactly(BECAME_ACTIVE, BECAME_ACTIVE, BECAME_ACTIVE, BECAME_ACTIVE);

    EndpointSync draining = pool.sync(10, Map.of(
        "web-2", SessionStats.of(3, T0.plusSeconds(9)),
        "web-3", SessionStats.of(5, T0.plusSeconds(9))), twoTerminating());
    assertThat(draining.snapshot().version()).isEqualTo(2);
    assertThat(draining.transitions())
        .extracting(BackendTransition::id, BackendTransition::transition,
            BackendTransition::liveSessions, BackendTransition::drainDeadline)
        .containsExactly(
            tuple(BackendId.of("web-2"), STARTED_DRAINING, 3, deadline),
            tuple(BackendId.of("web-3"), STARTED_DRAINING, 5, deadline));
    assertThat(draining.snapshot().backend(BackendId.of("web-3")))
        .isEqualTo(new Backend(BackendId.of("web-3"), "10.0.0.13", 8080, 1,
            BackendState.DRAINING, deadline));

    EndpointSync oneDone = pool.sync(30, Map.of(
        "web-2", SessionStats.of(0, T0.plusSeconds(25)),
        "web-3", SessionStats.of(4, T0.plusSeconds(29))), twoTerminating());
    assertThat(oneDone.snapshot().version()).isEqualTo(3);
    assertThat(oneDone.transitions())
        .extracting(BackendTransition::id, BackendTransition::transition, BackendTransition::to)
        .containsExactly(
            tuple(BackendId.of("web-2"), DRAIN_COMPLETED_NO_SESSIONS, DrainPhase.DRAINED));
    assertThat(states(oneDone.snapshot()))
        .containsExactly("web-0=ACTIVE", "web-1=ACTIVE", "web-2=DRAINED", "web-3=DRAINING");
    Golden.assertMatches(
        "operator/snapshot-scale-down.json", new RoutingSnapshotCodec().toJson(oneDone.snapshot()));

    EndpointSync removed = pool.sync(40, twoLeft());
    assertThat(removed.snapshot().version()).isEqualTo(4);
    assertThat(removed.transitions())
        .extracting(BackendTransition::id, BackendTransition::transition, BackendTransition::from)
        .containsExactly(
            tuple(BackendId.of("web-2"), REMOVED, DrainPhase.DRAINED),
            tuple(BackendId.of("web-3"), REMOVED, DrainPhase.DRAINING));
    assertThat(states(removed.snapshot())).containsExactly("web-0=ACTIVE", "web-1=ACTIVE");
    assertThat(removed.statuses()).containsOnlyKeys(BackendId.of("web-0"), BackendId.of("web-1"));
  }

  @Test
  void keepsTheVersionWhenNothingChanged() {
    Pool pool = new Pool(BUILDER);
    RoutingSnapshot first = pool.sync(0, fourReady()).snapshot();

    EndpointSync again = pool.sync(5, fourReady());

    assertThat(again.snapshotChanged()).isFalse();
    assertThat(again.snapshot()).isSameAs(first);
    assertThat(again.transitions()).isEmpty();
  }

  @Test
  void bumpsTheVersionWhenAPodKeepsItsNameButGetsANewAddress() {
    Pool pool = new Pool(BUILDER);
    pool.sync(0, twoLeft());

    EndpointSync moved = pool.sync(5,
        slice("web-abc", http(8080), pod("web-0", "10.0.0.10"), pod("web-1", "10.0.0.99")));

    assertThat(moved.snapshotChanged()).isTrue();
    assertThat(moved.snapshot().version()).isEqualTo(2);
    assertThat(moved.transitions()).isEmpty();
    assertThat(moved.snapshot().backend(BackendId.of("web-1")).host()).isEqualTo("10.0.0.99");
  }

  @Test
  void reportsARemovedBackendOnlyOnce() {
    Pool pool = new Pool(BUILDER);
    pool.sync(0, fourReady());
    assertThat(pool.sync(5, twoLeft()).transitions()).hasSize(2);

    EndpointSync later = pool.sync(10, twoLeft());

    assertThat(later.transitions()).isEmpty();
    assertThat(later.snapshotChanged()).isFalse();
  }

  @Test
  void keepsTheLastGoodBackendsWhenTheSlicesVanish() {
    Pool pool = new Pool(BUILDER);
    pool.sync(0, Map.of("web-2", SessionStats.of(3, T0)), twoTerminating());
    RoutingSnapshot good = pool.snapshot;
    Map<BackendId, BackendDrainStatus> goodStatuses = pool.statuses;

    EndpointSync vanished = pool.sync(400);

    assertThat(vanished.resolution()).isEqualTo(PortResolution.NO_ENDPOINTS);
    assertThat(vanished.keptLastGood()).isTrue();
    assertThat(vanished.snapshot()).isSameAs(good);
    assertThat(vanished.statuses()).isEqualTo(goodStatuses);
    assertThat(vanished.transitions()).isEmpty();
  }

  @Test
  void keepsTheLastGoodBackendsWhenThePortNameIsWrong() {
    Pool pool = new Pool(BUILDER);
    RoutingSnapshot good = pool.sync(0, twoLeft()).snapshot();

    EndpointSync wrongPort = pool.sync(5,
        slice("web-abc", List.of(Slices.port("web", 8080)), pod("web-0", "10.0.0.10")));

    assertThat(wrongPort.resolution()).isEqualTo(PortResolution.PORT_NOT_FOUND);
    assertThat(wrongPort.snapshot()).isSameAs(good);
  }

  @Test
  void publishesAnEmptyFirstSnapshotWhenNothingIsKnownYet() {
    EndpointSync first = new Pool(BUILDER).sync(0);

    assertThat(first.snapshot().version()).isEqualTo(1);
    assertThat(first.snapshot().backends()).isEmpty();
    assertThat(first.keptLastGood()).isTrue();
  }

  @Test
  void appliesASettingsChangeWithANewVersion() {
    Pool pool = new Pool(BUILDER);
    pool.sync(0, twoLeft());
    Pool changed = new Pool(new SnapshotBuilder(
        POLICY, AffinitySettings.header("X-User"), PlacementSettings.defaults()));
    changed.snapshot = pool.snapshot;
    changed.statuses = pool.statuses;

    EndpointSync result = changed.sync(5, twoLeft());

    assertThat(result.snapshot().version()).isEqualTo(2);
    assertThat(result.snapshot().affinity()).isEqualTo(AffinitySettings.header("X-User"));
  }

  @Test
  void endsADrainWithUnknownSessionsOnlyAtItsDeadline() {
    Pool pool = new Pool(BUILDER);
    pool.sync(0, twoLeft());
    EndpointSlice leaving = slice("web-abc", http(8080), pod("web-0", "10.0.0.10"),
        terminating("web-1", "10.0.0.11"));
    assertThat(pool.sync(10, leaving).transitions())
        .extracting(BackendTransition::transition).containsExactly(STARTED_DRAINING);

    assertThat(pool.sync(309, leaving).transitions()).isEmpty();
    EndpointSync timedOut = pool.sync(310, leaving);

    assertThat(timedOut.transitions())
        .extracting(BackendTransition::transition, BackendTransition::liveSessions)
        .containsExactly(tuple(DRAIN_TIMED_OUT, null));
    assertThat(timedOut.snapshot().backend(BackendId.of("web-1")).drainDeadline())
        .isEqualTo(T0.plusSeconds(310));
  }
}
