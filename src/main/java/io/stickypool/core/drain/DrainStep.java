package io.stickypool.core.drain;

import java.util.Objects;

/** The result of one drain step: the new status and the transition that led to it. Immutable. */
public record DrainStep(BackendDrainStatus next, DrainTransition transition) {
  public DrainStep {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(transition, "transition");
  }

  public boolean changed() {
    return transition != DrainTransition.NONE;
  }
}
