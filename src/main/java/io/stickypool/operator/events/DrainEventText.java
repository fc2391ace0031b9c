package io.stickypool.operator.events;

import io.stickypool.contract.GoDurations;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.core.drain.DrainPolicy;
import io.stickypool.operator.endpoints.BackendTransition;
import io.stickypool.operator.sessions.PoolSessions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;

/**
 * Readable messages for drain Events, e.g. {@code Backend web-1 drained after 42s: no sessions
 * left}. Pure. Session counts come from the transition (a complete round) or, failing that, from
 * the partial figure, then said as "at least".
 */
public final class DrainEventText {
  private DrainEventText() {}

  public static String message(BackendTransition t, PoolSessions sessions, DrainPolicy policy, Instant now) {
    String backend = "Backend " + t.id().value();
    return switch (t.transition()) {
      case STARTED_DRAINING -> backend + " draining with " + count(t, sessions) + " until "
          + t.drainDeadline() + " (drain timeout " + GoDurations.format(policy.drainTimeout()) + ")";
      // Past the deadline the proxies have re-pinned what was left on their own: say so.
      case DRAIN_COMPLETED_NO_SESSIONS -> drained(backend, t, policy, now)
          + (t.drainDeadline() != null && !now.isBefore(t.drainDeadline())
              ? "deadline passed; the proxies re-pinned its remaining sessions" : "no sessions left");
      case DRAIN_COMPLETED_SESSIONS_IDLE -> drained(backend, t, policy, now) + "all " + count(t, sessions)
          + " remaining idle for " + GoDurations.format(policy.idleSessionThreshold()) + " or more";
      // No count: the proxies re-pin at the deadline on their own, so the last round already lags;
      // SessionsRebalanced says how many moved once their reports account for them.
      case DRAIN_TIMED_OUT -> drained(backend, t, policy, now)
          + "deadline passed; the proxies re-pin the sessions still pinned (SessionsRebalanced counts them)";
      case STOPPED_SERVING -> drained(backend, t, policy, now) + "stopped serving with " + count(t, sessions)
          + " pinned, which will be re-pinned";
      // REMOVED is also the phase of an endpoint the pool never saw: it is news, not a return.
      case BECAME_ACTIVE -> t.from() == DrainPhase.REMOVED ? backend + " added: a new ready endpoint, now ACTIVE"
          : backend + ": " + t.from() + " -> " + t.to();
      default -> backend + ": " + t.from() + " -> " + t.to()
          + (t.drainDeadline() == null ? "" : " until " + t.drainDeadline());
    };
  }

  private static String drained(String backend, BackendTransition t, DrainPolicy policy, Instant now) {
    if (t.drainDeadline() == null) {
      return backend + " drained: ";
    }
    Duration took = Duration.between(t.drainDeadline().minus(policy.drainTimeout()), now);
    took = took.isNegative() ? Duration.ZERO
        : took.truncatedTo(took.toSeconds() < 10 ? ChronoUnit.MILLIS : ChronoUnit.SECONDS);
    return backend + " drained after " + GoDurations.format(took) + ": ";
  }

  /** {@code 5 live sessions}, {@code at least 5 live sessions} (partial) or {@code unknown ...}. */
  private static String count(BackendTransition t, PoolSessions sessions) {
    if (t.liveSessions() != null) {
      return plural(t.liveSessions());
    }
    OptionalLong partial = sessions.sessions(t.id());
    return partial.isPresent()
        ? "at least " + plural(partial.getAsLong()) + " (" + sessions.reportedBy() + " proxies answered)"
        : "an unknown number of live sessions";
  }

  private static String plural(long n) {
    return n + (n == 1 ? " live session" : " live sessions");
  }
}
