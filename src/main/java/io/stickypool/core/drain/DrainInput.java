package io.stickypool.core.drain;

import java.time.Instant;
import java.util.Objects;

/**
 * What the drain state machine knows about one backend at one moment. Immutable.
 *
 * @param conditions the endpoint's conditions, or null when the endpoint is gone
 * @param liveSessions sessions pinned to the backend, or null when unknown (no proxy reported)
 * @param lastSessionActivity when one of its sessions was last seen, or null when unknown
 * @param now the time of this step; the state machine reads no clock of its own
 */
public record DrainInput(
    EndpointConditions conditions,
    Integer liveSessions,
    Instant lastSessionActivity,
    Instant now) {

  public DrainInput {
    Objects.requireNonNull(now, "now");
    if (liveSessions != null && liveSessions < 0) {
      throw new IllegalArgumentException("liveSessions must not be negative: " + liveSessions);
    }
  }

  public static DrainInput gone(Instant now) {
    return new DrainInput(null, null, null, now);
  }
}
