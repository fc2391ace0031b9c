package io.stickypool.proxy.routes;

import io.stickypool.core.snapshot.RoutingSnapshot;
import java.util.function.UnaryOperator;

/**
 * A routes source whose snapshots pass through {@code map} before the proxy sees them: how the
 * tests and {@code make demo-cluster} stand in for the pod network, turning the made-up IPs of
 * KWOK's pods in the routes document into the loopback servers that play those pods. Errors pass
 * through unchanged.
 */
public final class MappedRoutesSource implements RoutesSource {
  private final RoutesSource source;
  private final UnaryOperator<RoutingSnapshot> map;

  public MappedRoutesSource(RoutesSource source, UnaryOperator<RoutingSnapshot> map) {
    this.source = source;
    this.map = map;
  }

  @Override
  public void start(RoutesListener listener) throws Exception {
    source.start(new RoutesListener() {
      @Override
      public void onRoutes(RoutingSnapshot snapshot, String origin) {
        listener.onRoutes(map.apply(snapshot), origin);
      }

      @Override
      public void onRoutesError(String origin, String detail) {
        listener.onRoutesError(origin, detail);
      }
    });
  }

  @Override
  public String describe() {
    return source.describe();
  }

  @Override
  public void close() {
    source.close();
  }
}
