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
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What goes when backends leave the routes: the idle pooled connections to them (closed on each
 * event loop, which owns its pool), their passive-health records and their meters. Told after
 * each publish, on the routes compiler thread. Meters are swept again on every housekeeping round,
 * because an exchange still in flight at the publish records after it and brings a meter back.
 */
final class DepartedBackends implements Consumer<CompiledRoutes> {
  private final ProxyServer server;
  private final PassiveHealth health;
  private final ProxyMetrics metrics;

  DepartedBackends(ProxyServer server, PassiveHealth health, ProxyMetrics metrics) {
    this.server = server;
    this.health = health;
    this.metrics = metrics;
  }

  @Override
  public void accept(CompiledRoutes published) {
    Set<InetSocketAddress> wanted = new HashSet<>();
    for (Backend b : published.table().backends()) {
      wanted.add(new InetSocketAddress(b.host(), b.port()));
    }
    for (EventExecutor loop : server.workers()) {
      ((EventLoop) loop).execute(() -> server.context().pool().retainOnly(wanted));
    }
    Set<BackendId> listed = new HashSet<>();
    for (Backend b : published.table().snapshot().backends()) {
      listed.add(b.id());
    }
    health.retainOnly(listed);
    sweepMeters(published);
  }

  /** Removes the meters of backends that {@code routes} (null before the first) do not list. */
  void sweepMeters(CompiledRoutes routes) {
    if (routes == null) {
      return;
    }
    Set<String> listed = new HashSet<>();
    for (Backend b : routes.table().snapshot().backends()) {
      listed.add(b.id().value());
    }
    metrics.retainBackends(listed);
  }
}
