package io.stickypool.core.session;

/**
 * Why a proxy moved a session off its backend: what the operator's {@code SessionsRebalanced}
 * Event counts per backend that left.
 */
public enum RepinReason {
  /** The backend finished draining, or its drain deadline passed. */
  DRAINED,
  /** The backend was found down: marked unavailable, ejected, or it refused the connection. */
  FAILOVER,
  /** The backend is no longer in the routing snapshot. */
  REMOVED
}
