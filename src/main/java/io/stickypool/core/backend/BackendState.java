package io.stickypool.core.backend;

/**
 * Where a backend is in its life, as the routing snapshot tells the proxy.
 *
 * <ul>
 *   <li>{@link #ACTIVE}: takes new sessions and its pinned ones.
 *   <li>{@link #DRAINING}: its endpoint is terminating but still serving; pinned sessions keep going
 *       to it until the drain deadline, new sessions never do.
 *   <li>{@link #DRAINED}: still listed (its endpoint exists) but takes no traffic: its sessions ran
 *       out or its deadline passed, so any session still pinned to it is re-pinned once.
 *   <li>{@link #UNAVAILABLE}: neither ready nor serving (a pod that is not ready yet or failed its
 *       readiness probe); pinned sessions fail over, no new sessions.
 * </ul>
 *
 * A backend that is gone from the snapshot is "removed": sessions pinned to it are re-pinned once.
 */
public enum BackendState {
  ACTIVE,
  DRAINING,
  DRAINED,
  UNAVAILABLE;

  /** Whether requests of sessions already pinned here may still be sent here. */
  public boolean servesPinnedSessions() {
    return this == ACTIVE || this == DRAINING;
  }

  /** Whether brand-new sessions may be placed here. */
  public boolean acceptsNewSessions() {
    return this == ACTIVE;
  }
}
