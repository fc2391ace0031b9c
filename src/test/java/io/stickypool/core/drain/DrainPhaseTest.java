package io.stickypool.core.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stickypool.core.backend.BackendState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DrainPhaseTest {
  @Test
  void mapsEachListedPhaseToItsSnapshotState() {
    assertThat(DrainPhase.ACTIVE.backendState()).contains(BackendState.ACTIVE);
    assertThat(DrainPhase.UNAVAILABLE.backendState()).contains(BackendState.UNAVAILABLE);
    assertThat(DrainPhase.DRAINING.backendState()).contains(BackendState.DRAINING);
    assertThat(DrainPhase.DRAINED.backendState()).contains(BackendState.DRAINED);
  }

  @Test
  void removedIsNotListedInTheSnapshot() {
    assertThat(DrainPhase.REMOVED.backendState()).isEmpty();
  }

  @Test
  void readsUnsetKubernetesConditionsAsReadyServingNotTerminating() {
    assertThat(EndpointConditions.fromKubernetes(null, null, null))
        .isEqualTo(new EndpointConditions(true, true, false));
    assertThat(EndpointConditions.fromKubernetes(false, true, true))
        .isEqualTo(new EndpointConditions(false, true, true));
  }

  @Test
  void defaultPolicyDrainsForFiveMinutes() {
    assertThat(DrainPolicy.defaults().drainTimeout()).isEqualTo(Duration.ofSeconds(300));
  }

  @Test
  void rejectsDrainingStatusWithoutDeadline() {
    assertThatThrownBy(
            () -> new BackendDrainStatus(DrainPhase.DRAINING, Instant.EPOCH, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
