package io.stickypool.operator.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.api.v1alpha1.Drain;
import io.stickypool.api.v1alpha1.StickyPoolSpec;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.drain.BackendDrainStatus;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.operator.model.PoolSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Drain statuses restored from a published snapshot after an operator restart (drainTimeout 60 s). */
class PoolMemoryTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");

  @Test
  void aDrainStillRunningGoesOnFromItsStart() {
    Map<BackendId, BackendDrainStatus> restored = restore(draining(NOW.plusSeconds(20)));

    assertThat(restored.get(BackendId.of("web-1")))
        .isEqualTo(new BackendDrainStatus(DrainPhase.DRAINING, NOW.minusSeconds(40), NOW.plusSeconds(20)));
  }

  @Test
  void aDrainingBackendPastItsDeadlineIsRestoredDrainedSoNothingIsAnnouncedAgain() {
    Instant ended = NOW.minusSeconds(5);

    Map<BackendId, BackendDrainStatus> restored = restore(draining(ended));

    assertThat(restored.get(BackendId.of("web-1"))).isEqualTo(new BackendDrainStatus(DrainPhase.DRAINED, ended, ended));
  }

  private static Backend draining(Instant deadline) {
    return new Backend(BackendId.of("web-1"), "10.0.0.2", 8080, 1, BackendState.DRAINING, deadline);
  }

  private static Map<BackendId, BackendDrainStatus> restore(Backend backend) {
    StickyPoolSpec spec = new StickyPoolSpec();
    spec.setDrain(new Drain());
    spec.getDrain().setDrainTimeout("60s");
    RoutingSnapshot published = new RoutingSnapshot(7, AffinitySettings.cookie(CookieSettings.defaults()),
        PlacementSettings.defaults(), List.of(backend));
    return PoolMemory.restored(published, PoolSettings.of(spec), NOW);
  }
}
