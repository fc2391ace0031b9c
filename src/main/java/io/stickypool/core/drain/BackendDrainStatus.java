package io.stickypool.core.drain;

import java.time.Instant;
import java.util.Objects;

/**
 * What the drain state machine remembers about one backend between steps. Immutable.
 *
 * @param since when the backend entered {@code phase}
 * @param drainDeadline set exactly when the phase is DRAINING, or DRAINED after a drain (the
 *     deadline that drain had); null otherwise
 */
public record BackendDrainStatus(DrainPhase phase, Instant since, Instant drainDeadline) {
  /** A backend never seen before: treated as removed, so its first appearance is a transition. */
  public static final BackendDrainStatus NEVER_SEEN =
      new BackendDrainStatus(DrainPhase.REMOVED, Instant.EPOCH, null);

  public BackendDrainStatus {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(since, "since");
    if (phase == DrainPhase.DRAINING && drainDeadline == null) {
      throw new IllegalArgumentException("DRAINING needs a drain deadline");
    }
    if (phase != DrainPhase.DRAINING && phase != DrainPhase.DRAINED && drainDeadline != null) {
      throw new IllegalArgumentException(phase + " has no drain deadline");
    }
  }
}
