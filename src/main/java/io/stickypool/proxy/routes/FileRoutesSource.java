package io.stickypool.proxy.routes;

import io.stickypool.contract.SnapshotFormatException;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.config.ProxyConfigLoader;
import io.stickypool.proxy.config.WatchedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes from the standalone proxy's YAML config file, re-read whenever the file changes (see
 * {@link WatchedFile} for how changes are noticed). A valid file is delivered; an invalid one is
 * reported with its field path and line, and nothing is delivered, so the proxy keeps its last
 * good snapshot.
 *
 * <p>Versions: a hand-edited file rarely bumps {@code version}, so each delivered snapshot gets the
 * file's {@code version} when it is greater than the last one delivered, and otherwise the last one
 * plus one. Every valid edit is therefore newer than what the proxy has. An edit that leaves the
 * routes as they were (a comment, only the version) is not delivered, unless a problem was
 * reported since the last delivery: then the same snapshot is delivered again, so the listener
 * learns its routes are current (a bad edit reverted to the last good file ends the staleness).
 *
 * <p>Only the routes are reloaded. A change to the {@code proxy:} block (listen, admin, limits,
 * workerThreads...) is logged as a warning: it takes effect after a restart.
 *
 * <p>Threading: the first snapshot is delivered on the thread that calls {@link #start}; later
 * ones on the watcher's daemon thread. The fields below are confined to those, in that order.
 */
public final class FileRoutesSource implements RoutesSource {
  private static final Logger LOG = LoggerFactory.getLogger(FileRoutesSource.class);

  private final WatchedFile file;
  private final String origin;
  private RoutesListener listener;
  private RoutingSnapshot delivered;
  private ProxyConfig lastGood;
  private boolean problemReported;

  public FileRoutesSource(Path configFile) {
    this(new WatchedFile(configFile, "sp-routes-file"));
  }

  FileRoutesSource(WatchedFile file) {
    this.file = file;
    this.origin = "file:" + file.file();
  }

  /**
   * Reads the file and delivers its routes before returning (or reports why it cannot), then
   * watches it.
   *
   * @throws IOException when the file cannot be read or watched
   */
  @Override
  public void start(RoutesListener routes) throws IOException {
    this.listener = Objects.requireNonNull(routes, "listener");
    file.start(new WatchedFile.Handler() {
      @Override
      public void changed(String text) {
        apply(text);
      }

      @Override
      public void unreadable(IOException problem) {
        String detail = "cannot read " + file.file() + ": " + problem;
        LOG.warn("{}: {}; keeping the last good routes", origin, detail);
        reportProblem(detail);
      }
    });
  }

  @Override
  public String describe() {
    return origin;
  }

  @Override
  public void close() {
    file.close();
  }

  private void apply(String text) {
    ProxyConfig config;
    try {
      config = ProxyConfigLoader.parse(text, file.file().getParent());
    } catch (SnapshotFormatException e) {
      LOG.warn("{}: invalid config, keeping the last good routes: {}", origin, e.getMessage());
      reportProblem(e.getMessage());
      return;
    }
    RestartOnlySettings.warnIfChanged(LOG, origin, lastGood, config);
    lastGood = config;
    RoutingSnapshot routes = config.routes();
    if (delivered != null && sameRoutes(routes, delivered)) {
      if (problemReported) {
        LOG.info("{}: the file is valid again with the routes in use; no longer stale", origin);
        deliver(delivered);
      } else {
        LOG.debug("{}: file changed but its routes did not", origin);
      }
      return;
    }
    long version = delivered == null || routes.version() > delivered.version()
        ? routes.version()
        : delivered.version() + 1;
    deliver(routes.withBackends(version, routes.backends()));
  }

  private void deliver(RoutingSnapshot routes) {
    delivered = routes;
    problemReported = false;
    listener.onRoutes(routes, origin);
  }

  private void reportProblem(String detail) {
    problemReported = true;
    listener.onRoutesError(origin, detail);
  }

  private static boolean sameRoutes(RoutingSnapshot a, RoutingSnapshot b) {
    return a.withBackends(b.version(), a.backends()).equals(b);
  }
}
