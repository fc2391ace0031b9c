package io.stickypool.core.snapshot;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the proxy needs to route: the backends with their states, the affinity and placement
 * settings, and a version that only grows. The operator writes it, the proxy reads it; its JSON form
 * is the contract between them (see docs/routing-snapshot.md).
 *
 * <p>Immutable and thread-safe: the proxy publishes a new instance through one volatile field and
 * never changes one in place. Backends are kept sorted by id so that equal snapshots are equal
 * whatever order their backends were listed in.
 */
public final class RoutingSnapshot {
  private final long version;
  private final AffinitySettings affinity;
  private final PlacementSettings placement;
  private final List<Backend> backends;
  private final Map<BackendId, Backend> byId;

  public RoutingSnapshot(
      long version, AffinitySettings affinity, PlacementSettings placement, List<Backend> backends) {
    if (version < 0) {
      throw new IllegalArgumentException("version must not be negative");
    }
    this.version = version;
    this.affinity = Objects.requireNonNull(affinity, "affinity");
    this.placement = Objects.requireNonNull(placement, "placement");
    List<Backend> sorted = new ArrayList<>(Objects.requireNonNull(backends, "backends"));
    sorted.sort(Comparator.comparing(Backend::id));
    Map<BackendId, Backend> index = new HashMap<>();
    for (Backend b : sorted) {
      if (index.put(b.id(), b) != null) {
        throw new IllegalArgumentException("backend id " + b.id() + " is listed twice");
      }
    }
    this.backends = Collections.unmodifiableList(sorted);
    this.byId = Map.copyOf(index);
  }

  public long version() {
    return version;
  }

  public AffinitySettings affinity() {
    return affinity;
  }

  public PlacementSettings placement() {
    return placement;
  }

  /** All backends, sorted by id. */
  public List<Backend> backends() {
    return backends;
  }

  /** The backend with this id, or null when the snapshot does not list it (it was removed). */
  public Backend backend(BackendId id) {
    return byId.get(id);
  }

  public RoutingSnapshot withBackends(long newVersion, List<Backend> newBackends) {
    return new RoutingSnapshot(newVersion, affinity, placement, newBackends);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RoutingSnapshot)) {
      return false;
    }
    RoutingSnapshot other = (RoutingSnapshot) o;
    return version == other.version
        && affinity.equals(other.affinity)
        && placement.equals(other.placement)
        && backends.equals(other.backends);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, affinity, placement, backends);
  }

  @Override
  public String toString() {
    return "RoutingSnapshot{version=" + version + ", affinity=" + affinity.type()
        + ", backends=" + backends.size() + "}";
  }
}
