package io.stickypool.core.drain;

import java.time.Instant;

/**
 * The drain life cycle of one backend as a pure function: {@link #step} maps the current status,
 * what is known now and the policy to the next status and the named transition. It reads no clock
 * (time is {@link DrainInput#now()}) and keeps no state, so callers may run it from any thread.
 *
 * <p>The endpoint's conditions give a target phase, checked in this order:
 *
 * <ol>
 *   <li>endpoint gone: REMOVED;
 *   <li>terminating and serving: DRAINING; terminating and not serving: DRAINED. Terminating wins
 *       over ready, because a terminating pod is going away whatever its probe says;
 *   <li>ready: ACTIVE;
 *   <li>otherwise UNAVAILABLE (not ready and not terminating, whatever serving says, since a
 *       non-terminating endpoint is only ever serving when ready).
 * </ol>
 *
 * <p>Rules on top of that:
 *
 * <ul>
 *   <li>Entering DRAINING sets the deadline to now + drain timeout; staying in it never moves the
 *       deadline. A drain that can complete at once (no sessions) goes straight to DRAINED with the
 *       completion transition, so no proxy ever sees a pointless DRAINING.
 *   <li>A DRAINING backend completes, in this order of precedence: no live sessions ({@code
 *       DRAIN_COMPLETED_NO_SESSIONS}); newest session activity at least the idle threshold ago
 *       ({@code DRAIN_COMPLETED_SESSIONS_IDLE}); now at or past the deadline ({@code
 *       DRAIN_TIMED_OUT}). An unknown session count never completes a drain early: only the
 *       deadline does. Unknown activity never counts as idle.
 *   <li>A DRAINED backend stays DRAINED while it terminates (its sessions were already re-pinned,
 *       draining again would pin nothing back). It keeps the deadline of its drain, if any.
 *   <li>Rollback: a DRAINING backend that becomes ready and not terminating again returns to ACTIVE
 *       with {@code DRAIN_CANCELLED}; its pinned sessions never moved.
 *   <li>REMOVED is terminal for the backend id until its endpoint reappears; then the target phase
 *       applies as for a new backend ({@link BackendDrainStatus#NEVER_SEEN} is REMOVED too).
 *   <li>When the phase stays the same the status is returned unchanged with {@code NONE}, so
 *       {@code since} is the time the phase was entered.
 * </ul>
 */
public final class DrainStateMachine {
  private DrainStateMachine() {}

  public static DrainStep step(BackendDrainStatus current, DrainInput input, DrainPolicy policy) {
    DrainPhase target = targetPhase(input.conditions());
    if (target == DrainPhase.DRAINING) {
      return drain(current, input, policy);
    }
    if (target == current.phase()) {
      return new DrainStep(current, DrainTransition.NONE);
    }
    Instant deadline = target == DrainPhase.DRAINED ? current.drainDeadline() : null;
    BackendDrainStatus next = new BackendDrainStatus(target, input.now(), deadline);
    return new DrainStep(next, transitionInto(target, current.phase()));
  }

  static DrainPhase targetPhase(EndpointConditions conditions) {
    if (conditions == null) {
      return DrainPhase.REMOVED;
    }
    if (conditions.terminating()) {
      return conditions.serving() ? DrainPhase.DRAINING : DrainPhase.DRAINED;
    }
    return conditions.ready() ? DrainPhase.ACTIVE : DrainPhase.UNAVAILABLE;
  }

  private static DrainTransition transitionInto(DrainPhase target, DrainPhase from) {
    return switch (target) {
      case ACTIVE -> from == DrainPhase.DRAINING
          ? DrainTransition.DRAIN_CANCELLED
          : DrainTransition.BECAME_ACTIVE;
      case UNAVAILABLE -> DrainTransition.BECAME_UNAVAILABLE;
      case DRAINED -> DrainTransition.STOPPED_SERVING;
      case REMOVED -> DrainTransition.REMOVED;
      case DRAINING -> throw new IllegalArgumentException("draining is entered by drain()");
    };
  }

  private static DrainStep drain(BackendDrainStatus current, DrainInput input, DrainPolicy policy) {
    if (current.phase() == DrainPhase.DRAINED) {
      return new DrainStep(current, DrainTransition.NONE);
    }
    boolean started = current.phase() != DrainPhase.DRAINING;
    BackendDrainStatus draining =
        started
            ? new BackendDrainStatus(
                DrainPhase.DRAINING, input.now(), input.now().plus(policy.drainTimeout()))
            : current;
    DrainTransition completion = completion(draining.drainDeadline(), input, policy);
    if (completion != null) {
      BackendDrainStatus drained =
          new BackendDrainStatus(DrainPhase.DRAINED, input.now(), draining.drainDeadline());
      return new DrainStep(drained, completion);
    }
    return new DrainStep(draining, started ? DrainTransition.STARTED_DRAINING : DrainTransition.NONE);
  }

  /** Why a drain ends now, or null if it goes on. */
  private static DrainTransition completion(
      Instant deadline, DrainInput input, DrainPolicy policy) {
    Integer live = input.liveSessions();
    Instant now = input.now();
    if (live != null && live == 0) {
      return DrainTransition.DRAIN_COMPLETED_NO_SESSIONS;
    }
    Instant lastActivity = input.lastSessionActivity();
    if (live != null
        && lastActivity != null
        && !now.isBefore(lastActivity.plus(policy.idleSessionThreshold()))) {
      return DrainTransition.DRAIN_COMPLETED_SESSIONS_IDLE;
    }
    if (!now.isBefore(deadline)) {
      return DrainTransition.DRAIN_TIMED_OUT;
    }
    return null;
  }
}
