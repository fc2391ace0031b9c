package io.stickypool.testing;

import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.routes.RoutesListener;
import io.stickypool.proxy.routes.RoutesSource;

/** A routes source the test pushes snapshots into, as the operator would through a ConfigMap. */
public final class PushRoutesSource implements RoutesSource {
  private final RoutingSnapshot initial;
  private volatile RoutesListener listener;

  public PushRoutesSource(RoutingSnapshot initial) {
    this.initial = initial;
  }

  @Override
  public void start(RoutesListener l) {
    this.listener = l;
    if (initial != null) {
      l.onRoutes(initial, describe());
    }
  }

  public void push(RoutingSnapshot snapshot) {
    listener.onRoutes(snapshot, describe());
  }

  public void fail(String detail) {
    listener.onRoutesError(describe(), detail);
  }

  @Override
  public String describe() {
    return "test-push";
  }

  @Override
  public void close() {}
}
