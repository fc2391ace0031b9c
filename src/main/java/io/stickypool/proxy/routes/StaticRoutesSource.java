package io.stickypool.proxy.routes;

import io.stickypool.core.snapshot.RoutingSnapshot;

/** One fixed snapshot, for the quick-start flags: delivered once at start, never changed. */
public final class StaticRoutesSource implements RoutesSource {
  private final RoutingSnapshot snapshot;

  public StaticRoutesSource(RoutingSnapshot snapshot) {
    this.snapshot = snapshot;
  }

  @Override
  public void start(RoutesListener listener) {
    listener.onRoutes(snapshot, describe());
  }

  @Override
  public String describe() {
    return "command line";
  }

  @Override
  public void close() {}
}
