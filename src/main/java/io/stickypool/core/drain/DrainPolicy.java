package io.stickypool.core.drain;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a drain may last. Immutable.
 *
 * @param drainTimeout the longest a backend stays DRAINING; then its sessions are re-pinned
 * @param idleSessionThreshold a drain also ends once the backend's newest session activity is at
 *     least this old (everyone left); set it to the drain timeout or more to turn that rule off
 */
public record DrainPolicy(Duration drainTimeout, Duration idleSessionThreshold) {
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(300);

  /**
   * One minute: long enough that a user reading a page keeps their backend, short enough that a
   * drain whose sessions were abandoned does not hold the pod for the full timeout.
   */
  public static final Duration DEFAULT_IDLE_SESSION_THRESHOLD = Duration.ofSeconds(60);

  public DrainPolicy {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(idleSessionThreshold, "idleSessionThreshold");
    if (drainTimeout.isNegative() || drainTimeout.isZero()) {
      throw new IllegalArgumentException("drainTimeout must be positive, got " + drainTimeout);
    }
    if (idleSessionThreshold.isNegative() || idleSessionThreshold.isZero()) {
      throw new IllegalArgumentException(
          "idleSessionThreshold must be positive, got " + idleSessionThreshold);
    }
  }

  public static DrainPolicy defaults() {
    return new DrainPolicy(DEFAULT_DRAIN_TIMEOUT, DEFAULT_IDLE_SESSION_THRESHOLD);
  }
}
