package io.stickypool.proxy;

import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.metrics.ProxyMetrics;
import io.stickypool.proxy.routes.RoutesListener;
import io.stickypool.proxy.routing.RoutingState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes what the routes source delivers: a snapshot's cookie settings go to the signing, the
 * snapshot to the routing state (which keeps it only when newer), and the source's health is
 * kept here: the last problem it reported, until it delivers a snapshot again, even one equal to
 * the routes in use. {@code /readyz} and {@code stickypool_routes_stale} show that problem.
 *
 * <p>Threading: called on the source's threads; {@link #problem} is read by the admin port.
 */
final class RoutesIntake implements RoutesListener {
  private static final Logger LOG = LoggerFactory.getLogger(RoutesIntake.class);
  private static final String RELOADS = "stickypool_config_reloads";
  private static final String RELOADS_HELP = "Routing snapshots received, by result";

  private final RoutingState state;
  private final CookieSigning signing;
  private final ProxyMetrics metrics;
  private volatile String problem;

  RoutesIntake(RoutingState state, CookieSigning signing, ProxyMetrics metrics) {
    this.state = state;
    this.signing = signing;
    this.metrics = metrics;
  }

  @Override
  public void onRoutes(RoutingSnapshot snapshot, String origin) {
    signing.useCookie(snapshot.affinity().cookie());
    if (state.apply(snapshot)) {
      LOG.info("routes version {} applied from {}: {} backend(s)", snapshot.version(), origin, snapshot.backends().size());
    }
    if (problem != null) {
      LOG.info("routes from {} are current again", origin);
    }
    problem = null;
    metrics.count(RELOADS, RELOADS_HELP, "result", "applied");
  }

  @Override
  public void onRoutesError(String origin, String detail) {
    problem = detail;
    LOG.error("routes from {} rejected, keeping the last good snapshot: {}", origin, detail);
    metrics.count(RELOADS, RELOADS_HELP, "result", "rejected");
  }

  /** What the source last reported, or null while it is healthy. */
  String problem() {
    return problem;
  }
}
