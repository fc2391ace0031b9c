package io.stickypool.core.drain;

/**
 * Every way a backend's {@link DrainPhase} can change, named so that it can be logged, counted as a
 * metric label and tested one by one.
 */
public enum DrainTransition {
  /** Nothing changed. */
  NONE,
  /** Became ready from UNAVAILABLE, DRAINED or REMOVED (including first seen). */
  BECAME_ACTIVE,
  /** Became ready while DRAINING: the drain is called off and pinned sessions stay put. */
  DRAIN_CANCELLED,
  /** Present but neither ready nor terminating. */
  BECAME_UNAVAILABLE,
  /** Terminating and still serving: pinned sessions continue until the deadline. */
  STARTED_DRAINING,
  /** Draining ended because no live session was left on the backend. */
  DRAIN_COMPLETED_NO_SESSIONS,
  /** Draining ended because every remaining session was idle past the policy's threshold. */
  DRAIN_COMPLETED_SESSIONS_IDLE,
  /** Draining ended because the deadline passed; remaining sessions are re-pinned. */
  DRAIN_TIMED_OUT,
  /** Terminating and no longer serving: nothing can be sent there, sessions are re-pinned. */
  STOPPED_SERVING,
  /** The endpoint disappeared. */
  REMOVED
}
