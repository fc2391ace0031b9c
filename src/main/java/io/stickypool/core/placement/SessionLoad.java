package io.stickypool.core.placement;

import io.stickypool.core.backend.BackendId;

/**
 * Live session counts per backend, as placement sees them. The session table implements it; tests
 * and simulations use plain maps. Implementations answer in O(1) and may be read concurrently.
 */
@FunctionalInterface
public interface SessionLoad {
  SessionLoad NONE = id -> 0;

  /** Sessions currently pinned to {@code id}; 0 for an unknown backend. */
  int liveSessions(BackendId id);
}
