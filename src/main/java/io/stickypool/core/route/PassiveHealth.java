package io.stickypool.core.route;

import io.stickypool.core.backend.BackendId;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passive health: a backend that fails {@code threshold} times in a row (refused connection,
 * broken response, 5xx) is ejected for {@code ejectFor}, then tried again. Counting needs no
 * probe traffic and reacts within the failing requests themselves.
 *
 * <p>Thread-safe: event loops report concurrently. {@link #recordFailure} and {@link #release}
 * say when the ejected set changed, so the caller rebuilds its routing table only then.
 */
public final class PassiveHealth {
  private final int threshold;
  private final Duration ejectFor;
  private final Clock clock;
  private final Map<BackendId, State> states = new ConcurrentHashMap<>();

  public PassiveHealth(int threshold, Duration ejectFor, Clock clock) {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be at least 1");
    }
    this.threshold = threshold;
    this.ejectFor = ejectFor;
    this.clock = clock;
  }

  /** Counts a failure; true when this failure ejected the backend. */
  public boolean recordFailure(BackendId id) {
    State s = states.computeIfAbsent(id, k -> new State());
    synchronized (s) {
      if (s.ejectedUntilMillis != 0) {
        return false;
      }
      if (++s.consecutiveFailures >= threshold) {
        s.ejectedUntilMillis = clock.millis() + ejectFor.toMillis();
        s.consecutiveFailures = 0;
        return true;
      }
      return false;
    }
  }

  /** A success resets the failure streak. Cheap when there is no streak (the common case). */
  public void recordSuccess(BackendId id) {
    State s = states.get(id);
    if (s != null && s.consecutiveFailures != 0) {
      synchronized (s) {
        s.consecutiveFailures = 0;
      }
    }
  }

  /** Ends ejections whose time is up; true when any ended. */
  public boolean release() {
    long now = clock.millis();
    boolean changed = false;
    for (State s : states.values()) {
      synchronized (s) {
        if (s.ejectedUntilMillis != 0 && s.ejectedUntilMillis <= now) {
          s.ejectedUntilMillis = 0;
          changed = true;
        }
      }
    }
    return changed;
  }

  /** The backends ejected right now. */
  public Set<BackendId> ejected() {
    Set<BackendId> out = new HashSet<>();
    states.forEach((id, s) -> {
      synchronized (s) {
        if (s.ejectedUntilMillis != 0) {
          out.add(id);
        }
      }
    });
    return out;
  }

  /** Forgets backends that left the snapshot. */
  public void retainOnly(Set<BackendId> listed) {
    states.keySet().retainAll(listed);
  }

  private static final class State {
    int consecutiveFailures;
    long ejectedUntilMillis;
  }
}
