package io.stickypool.proxy.routes;

import io.stickypool.core.snapshot.RoutingSnapshot;
import java.util.Objects;

/** One fixed snapshot, delivered once on start: the routes of the quick-start command line. */
public final class StaticRoutesSource implements RoutesSource {
  private final RoutingSnapshot snapshot;
  private final String origin;

  /** @param origin where the snapshot came from, for logs, such as {@code command line} */
  public StaticRoutesSource(RoutingSnapshot snapshot, String origin) {
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.origin = Objects.requireNonNull(origin, "origin");
  }

  @Override
  public void start(RoutesListener listener) {
    listener.onRoutes(snapshot, origin);
  }

  @Override
  public String describe() {
    return origin;
  }

  @Override
  public void close() {}
}
