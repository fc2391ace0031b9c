package io.stickypool.testing;

import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.routes.RoutesListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a routes source delivers, and when; called from the source's thread. */
public final class RecordingRoutesListener implements RoutesListener {
  public final List<RoutingSnapshot> routes = new CopyOnWriteArrayList<>();
  public final List<String> origins = new CopyOnWriteArrayList<>();
  public final List<String> errors = new CopyOnWriteArrayList<>();
  /** {@link System#nanoTime} of each delivery, index for index with {@link #routes}. */
  public final List<Long> deliveredAtNanos = new CopyOnWriteArrayList<>();

  @Override
  public void onRoutes(RoutingSnapshot snapshot, String origin) {
    deliveredAtNanos.add(System.nanoTime());
    routes.add(snapshot);
    origins.add(origin);
  }

  @Override
  public void onRoutesError(String origin, String detail) {
    errors.add(detail);
  }

  public RoutingSnapshot last() {
    return routes.get(routes.size() - 1);
  }
}
