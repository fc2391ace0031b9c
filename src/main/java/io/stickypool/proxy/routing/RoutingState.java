package io.stickypool.proxy.routing;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.route.RoutingTable;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's current routes: one volatile {@link CompiledRoutes} that every request reads once.
 * New snapshots and changes in the set of backends this proxy found down are compiled on a single
 * background thread (never an event loop: a large hash ring takes milliseconds to build) and then
 * published. Snapshots older than the current one are ignored, so versions never go backwards.
 */
public final class RoutingState implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RoutingState.class);

  private final ExecutorService compiler =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sp-routes");
        t.setDaemon(true);
        return t;
      });
  private final Consumer<CompiledRoutes> onPublish;
  private volatile CompiledRoutes current;
  private final Set<BackendId> passiveDown = new HashSet<>();
  private final Set<BackendId> activeDown = new HashSet<>();

  /** @param onPublish told (on the compiler thread) after each new routes are published */
  public RoutingState(Consumer<CompiledRoutes> onPublish) {
    this.onPublish = onPublish;
  }

  /** The routes to use now, or null before the first snapshot arrived. */
  public CompiledRoutes current() {
    return current;
  }

  /**
   * Applies a snapshot if it is newer than the current one; returns false (and changes nothing)
   * for an older or equal version. Synchronous: the routes are live when it returns.
   */
  public boolean apply(RoutingSnapshot snapshot) {
    return call(() -> {
      CompiledRoutes now = current;
      if (now != null && snapshot.version() <= now.table().snapshot().version()) {
        LOG.debug("ignoring snapshot version {} (have {})", snapshot.version(), now.table().snapshot().version());
        return false;
      }
      RoutingTable table =
          now == null
              ? RoutingTable.compile(snapshot, down())
              : now.table().next(snapshot, down());
      publish(new CompiledRoutes(table));
      return true;
    });
  }

  /** Replaces the set of backends passive health has ejected; recompiles in the background. */
  public void passiveDown(Set<BackendId> ejected) {
    compiler.execute(() -> {
      passiveDown.clear();
      passiveDown.addAll(ejected);
      recompile();
    });
  }

  /** Replaces the set of backends the active health checks find down; recompiles if changed. */
  public void activeDown(Set<BackendId> down) {
    compiler.execute(() -> {
      if (!activeDown.equals(down)) {
        activeDown.clear();
        activeDown.addAll(down);
        recompile();
      }
    });
  }

  private void recompile() {
    CompiledRoutes now = current;
    if (now != null && !now.table().down().equals(down())) {
      publish(new CompiledRoutes(now.table().next(now.table().snapshot(), down())));
    }
  }

  private Set<BackendId> down() {
    Set<BackendId> all = new HashSet<>(passiveDown);
    all.addAll(activeDown);
    return all;
  }

  private void publish(CompiledRoutes routes) {
    current = routes;
    onPublish.accept(routes);
  }

  private <T> T call(java.util.concurrent.Callable<T> task) {
    try {
      return compiler.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while applying routes", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalArgumentException(e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public void close() {
    compiler.shutdownNow();
  }
}
