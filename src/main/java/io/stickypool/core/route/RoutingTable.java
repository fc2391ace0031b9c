package io.stickypool.core.route;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.cookie.BackendToken;
import io.stickypool.core.placement.BoundedKeyPlacer;
import io.stickypool.core.placement.HashRing;
import io.stickypool.core.placement.NewSessionPlacer;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A routing snapshot compiled for the request path: the hash ring, the new-session placer, the
 * cookie-token index, and the backends this proxy itself found down (ejected) folded in as
 * UNAVAILABLE. Built off the request path whenever the snapshot or the set of down backends
 * changes; the proxy publishes it through one volatile field.
 *
 * <p>Immutable and thread-safe. Also remembers the ids of backends that left the snapshot (a
 * bounded history), so a session pinned to a removed backend can still name where it was.
 */
public final class RoutingTable {
  private static final int HISTORY_LIMIT = 4096;

  private final RoutingSnapshot snapshot;
  private final List<Backend> effective;
  private final Set<BackendId> down;
  private final TokenIndex byToken;
  private final Map<Long, BackendId> departed;
  private final HashRing ring;
  private final NewSessionPlacer newSessions;
  private final BoundedKeyPlacer keys;

  private RoutingTable(RoutingSnapshot snapshot, Set<BackendId> down, Map<Long, BackendId> departed) {
    this.snapshot = snapshot;
    this.down = Set.copyOf(down);
    this.effective = effectiveBackends(snapshot.backends(), this.down);
    this.byToken = new TokenIndex(effective);
    this.departed = departed;
    this.ring = HashRing.of(effective);
    this.newSessions = NewSessionPlacer.of(effective, snapshot.placement());
    this.keys = BoundedKeyPlacer.of(ring, snapshot.placement(), newSessions);
  }

  /** The first table of a proxy. */
  public static RoutingTable compile(RoutingSnapshot snapshot, Set<BackendId> down) {
    return new RoutingTable(snapshot, down, Map.of());
  }

  /** A table for a new snapshot or a new set of down backends, remembering departed backends. */
  public RoutingTable next(RoutingSnapshot newSnapshot, Set<BackendId> newDown) {
    Map<Long, BackendId> history = new LinkedHashMap<>(departed);
    for (Backend b : snapshot.backends()) {
      if (newSnapshot.backend(b.id()) == null) {
        history.put(BackendToken.of(b.id()), b.id());
      }
    }
    for (Backend b : newSnapshot.backends()) {
      history.remove(BackendToken.of(b.id()));
    }
    while (history.size() > HISTORY_LIMIT) {
      history.remove(history.keySet().iterator().next());
    }
    return new RoutingTable(newSnapshot, newDown, Collections.unmodifiableMap(history));
  }

  /**
   * Backends marked down by this proxy count as UNAVAILABLE, unless that would leave no backend
   * for new sessions: then the marks are ignored (better to try a suspect backend than to refuse
   * everything, as Envoy's panic threshold does).
   */
  private static List<Backend> effectiveBackends(List<Backend> listed, Set<BackendId> down) {
    if (down.isEmpty()) {
      return listed;
    }
    List<Backend> out = new ArrayList<>(listed.size());
    boolean anyUsable = false;
    for (Backend b : listed) {
      boolean isDown = down.contains(b.id()) && b.state().servesPinnedSessions();
      Backend e = isDown ? b.withState(BackendState.UNAVAILABLE, null) : b;
      anyUsable |= e.state().acceptsNewSessions();
      out.add(e);
    }
    return anyUsable ? Collections.unmodifiableList(out) : listed;
  }

  public RoutingSnapshot snapshot() {
    return snapshot;
  }

  /** Backends with this proxy's down marks applied, sorted by id. */
  public List<Backend> backends() {
    return effective;
  }

  public Set<BackendId> down() {
    return down;
  }

  Backend byToken(long token) {
    return byToken.get(token);
  }

  /** The id of a backend that has left the snapshot, by its cookie token, or null. */
  BackendId departed(long token) {
    return departed.get(token);
  }

  Backend byId(BackendId id) {
    Backend listed = snapshot.backend(id);
    return listed == null ? null : byToken.get(BackendToken.of(id));
  }

  HashRing ring() {
    return ring;
  }

  NewSessionPlacer newSessions() {
    return newSessions;
  }

  BoundedKeyPlacer keys() {
    return keys;
  }
}
