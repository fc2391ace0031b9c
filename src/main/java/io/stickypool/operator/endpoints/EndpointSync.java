package io.stickypool.operator.endpoints;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.BackendDrainStatus;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one endpoint sync decided: the snapshot to publish, the drain statuses to remember for the
 * next sync, and the transitions to report as Events. Immutable.
 *
 * @param resolution how the endpoints were read; anything but RESOLVED means the last good backends
 *     were kept (see {@link SnapshotBuilder})
 * @param snapshotChanged whether {@code snapshot} differs from the previous one (and got a new
 *     version); when false the caller need not write the ConfigMap
 * @param held backends this pool has drained (DRAINED in {@code statuses}) whose pods other pools
 *     still use, with those pools' names: the snapshot lists them DRAINING with a passed deadline,
 *     so their sessions move but the proxies' {@code /drained} still answers 503
 * @param heldBefore the backends the previous sync held
 */
public record EndpointSync(
    PortResolution resolution,
    RoutingSnapshot snapshot,
    boolean snapshotChanged,
    Map<BackendId, BackendDrainStatus> statuses,
    List<BackendTransition> transitions,
    Map<BackendId, SortedSet<String>> held,
    Set<BackendId> heldBefore) {

  public EndpointSync {
    Objects.requireNonNull(resolution, "resolution");
    Objects.requireNonNull(snapshot, "snapshot");
    statuses = Collections.unmodifiableMap(new LinkedHashMap<>(statuses));
    transitions = List.copyOf(transitions);
    held = Collections.unmodifiableMap(new TreeMap<>(held));
    heldBefore = Collections.unmodifiableSet(new TreeSet<>(heldBefore));
  }

  /** A sync of a pool whose backends no other pool shares. */
  public EndpointSync(PortResolution resolution, RoutingSnapshot snapshot, boolean snapshotChanged,
      Map<BackendId, BackendDrainStatus> statuses, List<BackendTransition> transitions) {
    this(resolution, snapshot, snapshotChanged, statuses, transitions, Map.of(), Set.of());
  }

  /** Held now, not at the previous sync. */
  public Set<BackendId> newlyHeld() {
    Set<BackendId> out = new TreeSet<>(held.keySet());
    out.removeAll(heldBefore);
    return out;
  }

  /** Held at the previous sync, let go now, and still present: their pods may go. */
  public Set<BackendId> released() {
    Set<BackendId> out = new TreeSet<>(heldBefore);
    out.removeAll(held.keySet());
    out.retainAll(statuses.keySet());
    return out;
  }

  public boolean keptLastGood() {
    return resolution != PortResolution.RESOLVED;
  }
}
