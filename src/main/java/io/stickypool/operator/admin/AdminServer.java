package io.stickypool.operator.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stickypool.operator.view.LiveView;
import io.stickypool.operator.view.LiveViewPage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Liveness, readiness, Prometheus metrics and the read-only live view (a page and its JSON) on the
 * JDK's HTTP server (the operator package keeps Netty out). One daemon thread serves them all: each
 * answer is built from memory, and the page polls rather than holding a stream open, so a viewer
 * never keeps a probe waiting.
 */
public final class AdminServer {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminServer.class);
  static final String TEXT = "text/plain; charset=utf-8";
  /** Prometheus text exposition format 0.0.4. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String JSON = "application/json; charset=utf-8";
  /** The page loads its own script and style only: no inline code, nothing from elsewhere. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Supplier<Readiness> readiness;
  private final Map<String, Supplier<Response>> routes;

  private AdminServer(HttpServer server, Supplier<Readiness> readiness, Supplier<String> metrics,
      Supplier<LiveView> view) {
    this.server = server;
    this.readiness = readiness;
    this.routes = routes(metrics, view);
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "stickypool-operator-admin");
      t.setDaemon(true);
      return t;
    });
  }

  /** Binds and starts serving; a taken port fails here with the address in the message. */
  public static AdminServer start(InetSocketAddress address, Supplier<Readiness> readiness,
      Supplier<String> metrics, Supplier<LiveView> view) {
    HttpServer http;
    try {
      http = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("admin server cannot bind " + address.getHostString() + ":"
          + address.getPort() + " (" + e.getMessage() + "); choose another --admin-port/--admin-address", e);
    }
    AdminServer admin = new AdminServer(http, readiness, metrics, view);
    http.createContext("/", admin::handle);
    http.setExecutor(admin.executor);
    http.start();
    return admin;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  public void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Supplier<Response> route = routes.get(path);
      if (route == null) {
        send(exchange, new Response(404, TEXT, "not found: " + path + "\n"));
      } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, new Response(405, TEXT, "method not allowed: " + exchange.getRequestMethod() + "\n"));
      } else {
        send(exchange, answer(path, route));
      }
    }
  }

  private Map<String, Supplier<Response>> routes(Supplier<String> metrics, Supplier<LiveView> view) {
    Map<String, Supplier<Response>> all = new HashMap<>(Map.of(
        "/healthz", () -> new Response(200, TEXT, "ok\n"),
        "/readyz", this::ready,
        "/metrics", () -> new Response(200, PROMETHEUS_TEXT, metrics.get()),
        LiveViewPage.API, () -> new Response(200, JSON, LiveViewPage.json(view.get()))));
    LiveViewPage.assets().forEach((path, asset) ->
        all.put(path, () -> new Response(200, asset.contentType(), asset.body())));
    return Map.copyOf(all);
  }

  /** A route that fails answers 500 and is logged, rather than leaving the client a reset connection. */
  private static Response answer(String path, Supplier<Response> route) {
    try {
      return route.get();
    } catch (RuntimeException e) {
      LOG.warn("admin server: {} failed", path, e);
      return new Response(500, TEXT, "internal error serving " + path + "; see the operator's log\n");
    }
  }

  private Response ready() {
    Readiness r = readiness.get();
    return new Response(r.ready() ? 200 : 503, TEXT, r.detail());
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(response.status(), head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private record Response(int status, String contentType, String body) {}
}
