package io.stickypool.operator.events;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.operator.endpoints.BackendTransition;
import io.stickypool.operator.endpoints.EndpointSync;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Pure: the one-line summary of a snapshot change that the RoutesUpdated Event carries. */
public final class RoutesChange {
  /** Event reason -> the verb in the summary, in the order the summary lists them. */
  private static final Map<String, String> VERBS = new LinkedHashMap<>();

  static {
    VERBS.put("BackendAdded", "added");
    VERBS.put("BackendDraining", "draining");
    VERBS.put("BackendDrained", "drained");
    VERBS.put("BackendUnavailable", "unavailable");
    VERBS.put("BackendRemoved", "removed");
  }

  private RoutesChange() {}

  public static String describe(EndpointSync sync) {
    Map<String, TreeSet<String>> idsByReason = new LinkedHashMap<>();
    for (BackendTransition t : sync.transitions()) {
      var reason = PoolEvents.reasonFor(t.transition());
      if (reason != null) {
        idsByReason.computeIfAbsent(reason.wire(), r -> new TreeSet<>()).add(t.id().value());
      }
    }
    List<String> parts = new ArrayList<>();
    VERBS.forEach((reason, verb) -> {
      if (idsByReason.containsKey(reason)) {
        parts.add(verb + " " + String.join(", ", idsByReason.get(reason)));
      }
    });
    // Holds for other pools (see SnapshotBuilder): listed Draining, though this pool's drain is over.
    ids(sync.newlyHeld()).ifPresent(ids -> parts.add("held " + ids + " for other pools"));
    ids(sync.released()).ifPresent(ids -> parts.add("released " + ids));
    RoutingSnapshot snap = sync.snapshot();
    String what = parts.isEmpty() ? "settings changed" : String.join("; ", parts);
    int held = sync.held().size();
    return "Routes v" + (snap.version() - 1) + " -> v" + snap.version() + ": " + what + "; "
        + count(snap, BackendState.ACTIVE) + " active, " + (count(snap, BackendState.DRAINING) - held)
        + " draining" + (held == 0 ? "" : ", " + held + " held");
  }

  private static Optional<String> ids(Set<BackendId> ids) {
    return ids.isEmpty() ? Optional.empty() : Optional.of(
        String.join(", ", ids.stream().map(BackendId::value).toList()));
  }

  public static long count(RoutingSnapshot snap, BackendState state) {
    return snap.backends().stream().map(Backend::state).filter(state::equals).count();
  }
}
