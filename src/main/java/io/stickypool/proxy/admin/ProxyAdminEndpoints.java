package io.stickypool.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.session.SessionTable;
import io.stickypool.proxy.metrics.ProxyMetrics;
import io.stickypool.proxy.routing.CompiledRoutes;
import io.stickypool.proxy.routing.RoutingState;
import java.time.Clock;
import java.util.function.Supplier;

/** The proxy's admin paths: probes, Prometheus metrics, and the session summary. */
public final class ProxyAdminEndpoints {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProxyAdminEndpoints() {}

  /**
   * Readiness forced off by an operator, as Envoy's {@code /healthcheck/fail}: a preStop hook or a
   * person can take the proxy out of its Service's endpoints before stopping it, while it keeps
   * serving the connections it has.
   */
  public static final class ReadinessOverride {
    volatile boolean failed;
  }

  /**
   * @param notServing why the traffic listener takes no connections (not bound yet, or a graceful
   *     stop began), or null while it does
   * @param routesProblem the routes source's last error, or null when it is healthy
   * @param tls the TLS certificate's state, or null when the listener is plain HTTP
   */
  public static AdminRoutes routes(
      String token,
      String instance,
      Clock clock,
      RoutingState state,
      SessionTable sessions,
      ProxyMetrics metrics,
      Runnable beforeScrape,
      Supplier<String> notServing,
      Supplier<String> routesOrigin,
      Supplier<String> routesProblem,
      ReadinessOverride readiness,
      TlsState tls) {
    return new AdminRoutes(token)
        .write("/healthcheck/fail", r -> {
          readiness.failed = true;
          return AdminResponse.text(200, "readiness forced to fail; traffic is still served\n");
        })
        .write("/healthcheck/ok", r -> {
          readiness.failed = false;
          return AdminResponse.text(200, "readiness follows the proxy's state again\n");
        })
        .read("/healthz", r -> AdminResponse.text(200, "ok\n"))
        .read("/readyz", r -> readiness.failed
            ? AdminResponse.text(503, "not ready: failed on request (POST /healthcheck/fail)\n")
            : withTls(ready(state, notServing, routesOrigin, routesProblem), tls))
        .read("/metrics", r -> {
          beforeScrape.run();
          return new AdminResponse(200, AdminResponse.PROMETHEUS,
              metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        })
        .read("/sessions", r -> AdminResponse.json(200, sessionsJson(state, sessions)))
        .read("/sessions/report", new SessionReportEndpoint(instance, state, sessions, clock))
        .read("/drained", new DrainedEndpoint(state, sessions::liveSessions, clock));
  }

  /** What readiness needs of the TLS certificate: one to serve, and whether its source is healthy. */
  public interface TlsState {
    /** Why no connection can be served (no certificate ever loaded), or null. */
    String blocker();

    /** The certificate source's last problem since the last good pair, or null. */
    String problem();
  }

  private static AdminResponse withTls(AdminResponse routes, TlsState tls) {
    if (tls == null || routes.status() != 200) {
      return routes;
    }
    String blocker = tls.blocker();
    if (blocker != null) {
      return AdminResponse.text(503, "not ready: " + blocker + "\n");
    }
    String why = tls.problem();
    return why == null ? routes : AdminResponse.text(200, new String(routes.body(),
        java.nio.charset.StandardCharsets.UTF_8)
        + "stale: serving the last good TLS certificate; the source reports: " + why + "\n");
  }

  private static AdminResponse ready(
      RoutingState state, Supplier<String> notServing, Supplier<String> origin, Supplier<String> problem) {
    CompiledRoutes routes = state.current();
    if (routes == null) {
      String why = problem.get();
      return AdminResponse.text(503, "not ready: no routing snapshot loaded yet from " + origin.get()
          + (why == null ? "" : " (" + why + ")") + "\n");
    }
    String lifecycle = notServing.get();
    if (lifecycle != null) {
      return AdminResponse.text(503, "not ready: " + lifecycle + "\n");
    }
    String detail = "ready: snapshot version " + routes.table().snapshot().version() + " from " + origin.get();
    String why = problem.get();
    if (why != null) {
      detail += "\nstale: serving the last good snapshot; the source reports: " + why;
    }
    return AdminResponse.text(200, detail + "\n");
  }

  static String sessionsJson(RoutingState state, SessionTable sessions) {
    ObjectNode root = JSON.createObjectNode();
    CompiledRoutes routes = state.current();
    var counts = sessions.countsByBackend();
    root.put("snapshotVersion", routes == null ? -1 : routes.table().snapshot().version());
    root.put("sessions", sessions.size());
    root.put("evictions", sessions.evictions());
    ArrayNode backends = root.putArray("backends");
    if (routes != null) {
      for (Backend b : routes.table().backends()) {
        ObjectNode n = backends.addObject();
        n.put("id", b.id().value());
        n.put("state", b.state().name());
        if (b.drainDeadline() != null) {
          n.put("drainDeadline", b.drainDeadline().toString());
        }
        n.put("sessions", counts.getOrDefault(b.id(), 0));
        var last = sessions.lastActivity(b.id());
        if (last != null) {
          n.put("lastActivity", last.toString());
        }
      }
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
