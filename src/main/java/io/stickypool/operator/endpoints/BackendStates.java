package io.stickypool.operator.endpoints;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.BackendDrainStatus;
import io.stickypool.core.drain.DrainInput;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.core.drain.DrainPolicy;
import io.stickypool.core.drain.DrainStateMachine;
import io.stickypool.core.drain.DrainStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Runs {@link DrainStateMachine#step} once for every backend seen now or at the previous sync. A
 * pure function over its inputs; backends are visited in id order, so transitions come out sorted.
 *
 * <p>Backends that went away get {@link DrainInput#gone}; their REMOVED transition is reported once
 * and they are then dropped from the statuses, so the map does not grow with every pod ever seen
 * (a returning pod is treated as new, exactly as {@link BackendDrainStatus#NEVER_SEEN} intends).
 */
public final class BackendStates {
  private BackendStates() {}

  /**
   * The next statuses and transitions.
   *
   * @param sessions what proxies reported per backend; a missing backend means unknown
   */
  public static Round step(
      Map<BackendId, BackendDrainStatus> previous,
      ObservedEndpoints observed,
      Map<BackendId, SessionStats> sessions,
      DrainPolicy policy,
      Instant now) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(now, "now");
    Map<BackendId, ObservedEndpoint> present = observed.byId();
    SortedSet<BackendId> ids = new TreeSet<>(previous.keySet());
    ids.addAll(present.keySet());
    Map<BackendId, BackendDrainStatus> next = new LinkedHashMap<>();
    List<BackendTransition> transitions = new ArrayList<>();
    for (BackendId id : ids) {
      BackendDrainStatus current = previous.getOrDefault(id, BackendDrainStatus.NEVER_SEEN);
      SessionStats stats = sessions.getOrDefault(id, SessionStats.UNKNOWN);
      DrainStep step = DrainStateMachine.step(current, input(present.get(id), stats, now), policy);
      if (step.changed()) {
        transitions.add(new BackendTransition(
            id, step.transition(), current.phase(), step.next().phase(),
            stats.liveSessions(), step.next().drainDeadline()));
      }
      if (step.next().phase() != DrainPhase.REMOVED) {
        next.put(id, step.next());
      }
    }
    return new Round(next, transitions);
  }

  private static DrainInput input(ObservedEndpoint endpoint, SessionStats stats, Instant now) {
    if (endpoint == null) {
      return DrainInput.gone(now);
    }
    return new DrainInput(endpoint.conditions(), stats.liveSessions(), stats.lastActivity(), now);
  }

  /**
   * The outcome of one round. Immutable; statuses iterate in id order and never hold REMOVED.
   *
   * @param transitions every change of phase, in id order
   */
  public record Round(
      Map<BackendId, BackendDrainStatus> statuses, List<BackendTransition> transitions) {
    public Round {
      statuses = Collections.unmodifiableMap(new LinkedHashMap<>(statuses));
      transitions = List.copyOf(transitions);
    }
  }
}
