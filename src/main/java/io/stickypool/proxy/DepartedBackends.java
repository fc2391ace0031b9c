package io.stickypool.proxy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.route.PassiveHealth;
import io.stickypool.proxy.metrics.ProxyMetrics;
import io.stickypool.proxy.routing.CompiledRoutes;
import io.stickypool.proxy.server.ProxyServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What goes when backends leave the routes: at once, the idle pooled connections to them (closed
 * on each event loop, which owns its pool) and their passive-health records; after
 * {@link #METER_RETENTION}, their meters. Series are labelled with pod names, so they must not
 * stay for ever, but removing them at once would lose what was counted since the last scrape and
 * the sessions re-pinned away from the backend after it left.
 *
 * <p>Threading: {@link #accept} runs on the routes compiler thread after each publish, {@link
 * #sweepMeters} on the housekeeping thread; both hold this object's lock.
 */
final class DepartedBackends implements Consumer<CompiledRoutes> {
  /** How long a departed backend's series stay: five scrapes at a one-minute interval. */
  static final Duration METER_RETENTION = Duration.ofMinutes(5);

  private final ProxyServer server;
  private final PassiveHealth health;
  private final ProxyMetrics metrics;
  private final Clock clock;
  private final Map<String, Instant> departedAt = new HashMap<>();
  private Set<String> listed = Set.of();

  DepartedBackends(ProxyServer server, PassiveHealth health, ProxyMetrics metrics, Clock clock) {
    this.server = server;
    this.health = health;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public synchronized void accept(CompiledRoutes published) {
    closePooledConnections(published);
    Set<BackendId> ids = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (Backend b : published.table().snapshot().backends()) {
      ids.add(b.id());
      names.add(b.id().value());
    }
    health.retainOnly(ids);
    Instant now = clock.instant();
    for (String name : listed) {
      if (!names.contains(name)) {
        departedAt.putIfAbsent(name, now);
      }
    }
    departedAt.keySet().removeAll(names);
    listed = names;
  }

  private void closePooledConnections(CompiledRoutes published) {
    Set<InetSocketAddress> wanted = new HashSet<>();
    for (Backend b : published.table().backends()) {
      wanted.add(new InetSocketAddress(b.host(), b.port()));
    }
    for (EventExecutor loop : server.workers()) {
      ((EventLoop) loop).execute(() -> server.context().pool().retainOnly(wanted));
    }
  }

  /**
   * Removes the meters of backends that left the routes more than the retention ago. Only a
   * departure that expires costs a pass over the meters: every backend with meters was in some
   * published routes, so one that is neither listed nor departed cannot have any, except from an
   * exchange that outlived the retention, whose meters go with the next departure that expires.
   */
  synchronized void sweepMeters() {
    Instant cutoff = clock.instant().minus(METER_RETENTION);
    if (departedAt.values().removeIf(left -> !left.isAfter(cutoff))) {
      Set<String> keep = new HashSet<>(listed);
      keep.addAll(departedAt.keySet());
      metrics.retainBackends(keep);
    }
  }
}
