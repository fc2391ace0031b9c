package io.stickypool.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The embedded API as kubectl reaches it: every request is forwarded to the CRUD mock, except
 * watches, which the mock serves only over WebSocket while kubectl ({@code get -w}) and client-go
 * read them as a chunked HTTP stream of JSON watch events. A watch here opens the mock's WebSocket
 * watch and writes each event as one line of the stream, applying the field selectors on Events
 * the mock cannot, and turning objects into Tables when kubectl asks for them. In-process clients
 * (the operator, fabric8) talk to the mock directly, WebSocket watches and all.
 *
 * <p>Threading: the JDK server runs each exchange on a pooled thread; a watch holds its thread
 * until the client goes, the mock closes, or its timeoutSeconds (at most {@link #LONGEST_WATCH}).
 */
final class KubectlFront implements AutoCloseable {
  private static final Duration LONGEST_WATCH = Duration.ofMinutes(30);
  /** Headers the JDK client sets itself and refuses to forward. */
  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "keep-alive");

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sandbox-front");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper mapper = new ObjectMapper();
  private final String mock;
  private final PrinterColumnTables tables;
  /** Group version ("v1" for core) to plural to kind, from discovery. */
  private final Map<String, Map<String, String>> kinds;

  private KubectlFront(HttpServer server, String mock, PrinterColumnTables tables, Map<String, Map<String, String>> kinds) {
    this.server = server;
    this.mock = mock;
    this.tables = tables;
    this.kinds = kinds;
  }

  /** Starts on a loopback port ({@code 0}: ephemeral) in front of the mock at {@code mockUrl}. */
  static KubectlFront start(int port, String mockUrl, PrinterColumnTables tables,
      Map<String, Map<String, String>> kinds) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    KubectlFront front = new KubectlFront(server, mockUrl, tables, kinds);
    server.setExecutor(front.threads);
    server.createContext("/", front::handle);
    server.start();
    return front;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) {
    try {
      URI uri = exchange.getRequestURI();
      String query = Optional.ofNullable(uri.getRawQuery()).orElse("");
      if ("GET".equals(exchange.getRequestMethod()) && isWatch(query)) {
        watch(exchange, uri.getRawPath(), query);
      } else {
        forward(exchange);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      // The client went away mid-answer, or the mock did: nothing left to tell anyone.
    } finally {
      exchange.close();
    }
  }

  static boolean isWatch(String query) {
    return List.of(query.split("&")).stream().anyMatch(p -> p.equals("watch=true") || p.equals("watch=1"));
  }

  private void forward(HttpExchange exchange) throws IOException, InterruptedException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(mock + exchange.getRequestURI()))
        .timeout(Duration.ofSeconds(60))
        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(v -> request.header(name, v));
      }
    });
    HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    answer.headers().map().forEach((name, values) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
        exchange.getResponseHeaders().put(name, values);
      }
    });
    byte[] out = answer.body();
    exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      exchange.getResponseBody().write(out);
    }
  }

  /** A chunked stream of watch events, one JSON object per line, fed by the mock's WebSocket watch. */
  private void watch(HttpExchange exchange, String path, String query) throws IOException, InterruptedException {
    Optional<EventFieldSelector> selector = EventFieldSelector.of(path, query);
    String mockQuery = selector.map(EventFieldSelector::query).orElse(query);
    boolean asTable = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Accept")).orElse("").contains("as=Table");
    Optional<List<CustomResourceColumnDefinition>> columns = asTable ? tables.columnsFor(path) : Optional.empty();
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    out.flush();
    Relay relay = new Relay(out, line -> relayed(line, selector, columns));
    String target = mock.replaceFirst("^http", "ws") + path + (mockQuery.isEmpty() ? "" : "?" + mockQuery);
    WebSocket ws;
    try {
      ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(URI.create(target), relay)
          .get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return; // an empty stream that ends: kubectl retries or reports it
    }
    if (query.contains("sendInitialEvents=true")) {
      initialEvents(path, mockQuery, selector, out);
    }
    relay.done.await(timeout(query).toMillis(), TimeUnit.MILLISECONDS);
    ws.abort();
  }

  /** What to send for one watch event of the mock: a line, or nothing. */
  private interface EventLine {
    Optional<String> of(String event) throws IOException;
  }

  /**
   * Writes each of the mock's WebSocket watch events to the chunked stream as one line, until the
   * mock closes the watch or kubectl goes away ({@link #done}). Called on the WebSocket's thread; the
   * stream is shared with the initial events, hence the lock on it.
   */
  private static final class Relay implements WebSocket.Listener {
    private final StringBuilder message = new StringBuilder();
    private final OutputStream out;
    private final EventLine lines;
    final CountDownLatch done = new CountDownLatch(1);

    Relay(OutputStream out, EventLine lines) {
      this.out = out;
      this.lines = lines;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        String event = message.toString();
        message.setLength(0);
        try {
          Optional<String> line = lines.of(event);
          if (line.isPresent()) {
            synchronized (out) {
              out.write((line.get() + "\n").getBytes(StandardCharsets.UTF_8));
              out.flush();
            }
          }
        } catch (IOException e) {
          ws.abort(); // kubectl went away
          done.countDown();
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      done.countDown();
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      done.countDown();
    }
  }

  /**
   * A watch list ({@code sendInitialEvents=true}, what {@code kubectl delete} waits with): the
   * objects there are now as ADDED events, then the bookmark that marks their end.
   */
  private void initialEvents(String path, String mockQuery, Optional<EventFieldSelector> selector, OutputStream out)
      throws IOException, InterruptedException {
    String listQuery = String.join("&", List.of(mockQuery.split("&")).stream()
        .filter(p -> !p.startsWith("watch=") && !p.startsWith("sendInitialEvents=") && !p.startsWith("resourceVersion")
            && !p.startsWith("allowWatchBookmarks=")).toList());
    HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(mock + path
        + (listQuery.isEmpty() ? "" : "?" + listQuery))).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode items = mapper.readTree(list.body());
    String kind = kindOf(path);
    StringBuilder lines = new StringBuilder();
    for (JsonNode item : items.path("items")) {
      if (selector.isEmpty() || selector.get().matches(item)) {
        ObjectNode event = mapper.createObjectNode().put("type", "ADDED");
        event.set("object", item);
        lines.append(mapper.writeValueAsString(event)).append('\n');
      }
    }
    ObjectNode bookmark = mapper.createObjectNode().put("type", "BOOKMARK");
    String groupVersion = path.startsWith("/api/") ? "v1" : path.split("/")[2] + "/" + path.split("/")[3];
    ObjectNode object = bookmark.putObject("object").put("kind", kind).put("apiVersion", groupVersion);
    object.putObject("metadata").put("resourceVersion", items.path("metadata").path("resourceVersion").asText("0"))
        .putObject("annotations").put("k8s.io/initial-events-end", "true");
    lines.append(mapper.writeValueAsString(bookmark)).append('\n');
    synchronized (out) {
      out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  /** The line to send for one of the mock's watch events, or empty when the selector drops it. */
  private Optional<String> relayed(String event, Optional<EventFieldSelector> selector,
      Optional<List<CustomResourceColumnDefinition>> columns)
      throws IOException {
    JsonNode e = mapper.readTree(event);
    if (selector.isPresent() && !selector.get().matches(e.path("object"))) {
      return Optional.empty();
    }
    if (columns.isPresent() && e.path("object").isObject()) {
      try {
        ((ObjectNode) e).set("object", mapper.readTree(tables.toTable(e.get("object").toString(), columns.get())));
      } catch (Exception notATable) {
        return Optional.of(event);
      }
    }
    return Optional.of(mapper.writeValueAsString(e));
  }

  /** The kind a collection path such as /apis/G/V/namespaces/N/PLURAL lists. */
  private String kindOf(String path) {
    String[] s = path.split("/");
    int base = s.length > 1 && "api".equals(s[1]) ? 3 : 4;
    String groupVersion = String.join("/", List.of(s).subList(2, Math.min(base, s.length)));
    String plural = s[s.length - 1];
    return kinds.getOrDefault(groupVersion, Map.of()).getOrDefault(plural, "");
  }

  private static Duration timeout(String query) {
    for (String p : query.split("&")) {
      if (p.startsWith("timeoutSeconds=")) {
        try {
          Duration d = Duration.ofSeconds(Long.parseLong(p.substring("timeoutSeconds=".length())));
          return d.compareTo(LONGEST_WATCH) < 0 ? d : LONGEST_WATCH;
        } catch (NumberFormatException e) {
          return LONGEST_WATCH;
        }
      }
    }
    return LONGEST_WATCH;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
