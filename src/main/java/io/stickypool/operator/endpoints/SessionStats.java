package io.stickypool.operator.endpoints;

import java.time.Instant;

/**
 * What the proxies reported about one backend's sessions. Immutable.
 *
 * @param liveSessions sessions pinned to the backend, or null when no proxy reported it
 * @param lastActivity when one of its sessions was last seen, or null when unknown
 */
public record SessionStats(Integer liveSessions, Instant lastActivity) {
  /** Nothing reported: the drain then ends only at its deadline, never early. */
  public static final SessionStats UNKNOWN = new SessionStats(null, null);

  public SessionStats {
    if (liveSessions != null && liveSessions < 0) {
      throw new IllegalArgumentException("liveSessions must not be negative: " + liveSessions);
    }
  }

  public static SessionStats of(int liveSessions, Instant lastActivity) {
    return new SessionStats(liveSessions, lastActivity);
  }
}
