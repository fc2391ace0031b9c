package io.stickypool.proxy.routes;

import io.stickypool.core.snapshot.RoutingSnapshot;

/** Receives routing snapshots from a {@link RoutesSource}. Called from the source's own thread. */
public interface RoutesListener {
  /** A new valid snapshot; the proxy applies it if it is newer than the one it has. */
  void onRoutes(RoutingSnapshot snapshot, String origin);

  /**
   * The source could not produce a snapshot (unreadable file, invalid content, API server down);
   * the proxy keeps serving the last good one. {@code detail} names the field/line where known.
   */
  void onRoutesError(String origin, String detail);
}
