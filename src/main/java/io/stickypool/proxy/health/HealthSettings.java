package io.stickypool.proxy.health;

import java.time.Duration;

/**
 * How the proxy judges backend health on its own, beside what the routing snapshot says.
 *
 * @param consecutiveFailures passive: connect failures or 5xx answers in a row that eject a backend
 * @param ejectFor passive: how long an ejected backend is left alone before it is tried again
 * @param active optional active HTTP checks, or null for none
 */
public record HealthSettings(int consecutiveFailures, Duration ejectFor, ActiveCheck active) {
  public HealthSettings {
    if (consecutiveFailures < 1) {
      throw new IllegalArgumentException("consecutiveFailures must be at least 1");
    }
    if (ejectFor.isNegative() || ejectFor.isZero()) {
      throw new IllegalArgumentException("ejectFor must be positive");
    }
  }

  public static HealthSettings defaults() {
    return new HealthSettings(3, Duration.ofSeconds(10), null);
  }

  /**
   * An active HTTP health check: GET {@code path} every {@code interval}; a backend goes down
   * after {@code unhealthyThreshold} failures in a row (non-2xx/3xx, timeout, refused) and up
   * again after {@code healthyThreshold} successes in a row.
   */
  public record ActiveCheck(
      String path, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold) {
    public ActiveCheck {
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("health check path must start with /");
      }
      if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("health check interval and timeout must be positive");
      }
      if (healthyThreshold < 1 || unhealthyThreshold < 1) {
        throw new IllegalArgumentException("health check thresholds must be at least 1");
      }
    }
  }
}
