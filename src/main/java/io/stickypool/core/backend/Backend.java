package io.stickypool.core.backend;

import java.time.Instant;
import java.util.Objects;

/**
 * One backend as the routing snapshot lists it.
 *
 * <p>Immutable. {@code drainDeadline} is set exactly when the state is {@link BackendState#DRAINING}
 * (and may be kept on {@link BackendState#DRAINED} to say when draining ended).
 *
 * @param weight relative share of new sessions and keys, 1..1000; equal weights share equally
 */
public record Backend(
    BackendId id, String host, int port, int weight, BackendState state, Instant drainDeadline) {

  public static final int MAX_WEIGHT = 1000;

  public Backend {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(state, "state");
    if (host.isBlank()) {
      throw new IllegalArgumentException("backend " + id + ": host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("backend " + id + ": port " + port + " is not 1..65535");
    }
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "backend " + id + ": weight " + weight + " is not 1.." + MAX_WEIGHT);
    }
    if (state == BackendState.DRAINING && drainDeadline == null) {
      throw new IllegalArgumentException("backend " + id + ": DRAINING needs a drain deadline");
    }
  }

  public static Backend active(BackendId id, String host, int port) {
    return new Backend(id, host, port, 1, BackendState.ACTIVE, null);
  }

  public Backend withState(BackendState newState, Instant deadline) {
    return new Backend(id, host, port, weight, newState, deadline);
  }

  /**
   * As {@link #servesPinnedSessionsAt(Instant)} at epoch millis {@code nowMillis}: the request path
   * reads the clock as millis, which allocates nothing; only a DRAINING backend builds an Instant.
   */
  public boolean servesPinnedSessionsAt(long nowMillis) {
    if (state == BackendState.DRAINING) {
      return servesPinnedSessionsAt(Instant.ofEpochMilli(nowMillis));
    }
    return state.servesPinnedSessions();
  }

  /** Whether a pinned session may still be routed here at {@code now}. */
  public boolean servesPinnedSessionsAt(Instant now) {
    if (state == BackendState.DRAINING) {
      return now.isBefore(drainDeadline);
    }
    return state.servesPinnedSessions();
  }
}
