package io.stickypool.operator.endpoints;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.BackendDrainStatus;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one endpoint sync decided: the snapshot to publish, the drain statuses to remember for the
 * next sync, and the transitions to report as Events. Immutable.
 *
 * @param resolution how the endpoints were read; anything but RESOLVED means the last good backends
 *     were kept (see {@link SnapshotBuilder})
 * @param snapshotChanged whether {@code snapshot} differs from the previous one (and got a new
 *     version); when false the caller need not write the ConfigMap
 */
public record EndpointSync(
    PortResolution resolution,
    RoutingSnapshot snapshot,
    boolean snapshotChanged,
    Map<BackendId, BackendDrainStatus> statuses,
    List<BackendTransition> transitions) {

  public EndpointSync {
    Objects.requireNonNull(resolution, "resolution");
    Objects.requireNonNull(snapshot, "snapshot");
    statuses = Collections.unmodifiableMap(new LinkedHashMap<>(statuses));
    transitions = List.copyOf(transitions);
  }

  public boolean keptLastGood() {
    return resolution != PortResolution.RESOLVED;
  }
}
