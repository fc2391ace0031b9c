package io.stickypool.core.drain;

import io.stickypool.core.backend.BackendState;
import java.util.Optional;

/** Where one backend is in its drain life cycle; see {@link DrainStateMachine} for the rules. */
public enum DrainPhase {
  /** Ready: new and pinned sessions. */
  ACTIVE(BackendState.ACTIVE),
  /** Present but neither ready nor terminating (starting, or failing its readiness probe). */
  UNAVAILABLE(BackendState.UNAVAILABLE),
  /** Terminating but still serving: pinned sessions until the deadline, no new sessions. */
  DRAINING(BackendState.DRAINING),
  /** Present but done draining: its remaining sessions are re-pinned. */
  DRAINED(BackendState.DRAINED),
  /** The endpoint is gone; the snapshot does not list the backend. */
  REMOVED(null);

  private final BackendState state;

  DrainPhase(BackendState state) {
    this.state = state;
  }

  /** The state the routing snapshot lists the backend with; empty for REMOVED (not listed). */
  public Optional<BackendState> backendState() {
    return Optional.ofNullable(state);
  }
}
