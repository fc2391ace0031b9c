package io.stickypool.operator.endpoints;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.core.drain.DrainTransition;
import java.time.Instant;
import java.util.Objects;

/**
 * One backend's phase change in one sync, with what the operator needs for a Kubernetes Event and a
 * metric: never {@link DrainTransition#NONE}. Immutable.
 *
 * @param liveSessions the session count the step saw, or null when unknown
 * @param drainDeadline the drain deadline after the step, or null when there is none
 */
public record BackendTransition(
    BackendId id,
    DrainTransition transition,
    DrainPhase from,
    DrainPhase to,
    Integer liveSessions,
    Instant drainDeadline) {

  public BackendTransition {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(transition, "transition");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (transition == DrainTransition.NONE) {
      throw new IllegalArgumentException("NONE is not a transition to report");
    }
  }
}
