package io.stickypool.core.route;

import io.stickypool.core.backend.BackendId;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passive health: a backend that fails {@code threshold} times in a row (refused connection,
 * broken response, 5xx) is ejected for {@code ejectFor}, then tried again. Counting needs no
 * probe traffic and reacts within the failing requests themselves.
 *
 * <p>Thread-safe and lock-free: event loops report concurrently. Each backend's state is one
 * {@code AtomicLong}: {@code n >= 0} is a streak of n failures, {@code -t < 0} means ejected until
 * epoch millis t. Every change is a CAS from the value it was computed from, so exactly one failure
 * ejects, and a failure reported while ejected counts toward nothing. {@link #recordFailure} and
 * {@link #release} say when the ejected set changed, so the caller rebuilds its routing table only
 * then.
 */
public final class PassiveHealth {
  private final int threshold;
  private final Duration ejectFor;
  private final Clock clock;
  private final Map<BackendId, AtomicLong> states = new ConcurrentHashMap<>();

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
    AtomicLong state = states.computeIfAbsent(id, k -> new AtomicLong());
    while (true) {
      long streak = state.get();
      if (streak < 0) {
        return false;
      }
      if (streak + 1 < threshold) {
        if (state.compareAndSet(streak, streak + 1)) {
          return false;
        }
      } else if (state.compareAndSet(streak, -Math.max(1, clock.millis() + ejectFor.toMillis()))) {
        return true;
      }
    }
  }

  /** A success ends the failure streak. One read when there is none (the common case). */
  public void recordSuccess(BackendId id) {
    AtomicLong state = states.get(id);
    if (state != null) {
      long streak = state.get();
      // A failure or ejection that wins the race happened after this success: leave it.
      if (streak > 0) {
        state.compareAndSet(streak, 0);
      }
    }
  }

  /** Ends ejections whose time is up; true when any ended. */
  public boolean release() {
    long now = clock.millis();
    boolean changed = false;
    for (AtomicLong state : states.values()) {
      long s = state.get();
      if (s < 0 && -s <= now && state.compareAndSet(s, 0)) {
        changed = true;
      }
    }
    return changed;
  }

  /** The backends ejected right now. */
  public Set<BackendId> ejected() {
    Set<BackendId> out = new HashSet<>();
    states.forEach((id, state) -> {
      if (state.get() < 0) {
        out.add(id);
      }
    });
    return out;
  }

  /** Forgets backends that left the snapshot. */
  public void retainOnly(Set<BackendId> listed) {
    states.keySet().retainAll(listed);
  }
}
