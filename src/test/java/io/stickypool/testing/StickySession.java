package io.stickypool.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One browser-like client session against the proxy: keeps the affinity cookie it is given and
 * sends it back, records which backend answered each request and every Set-Cookie it saw. Given
 * several proxy ports (replicas behind one Service), it alternates between them request by request.
 */
public final class StickySession {
  private final HttpClient client;
  private final List<URI> bases;
  private int next;
  private final String cookieName;
  private String cookie;
  private final List<String> backends = new ArrayList<>();
  private final List<java.time.Instant> answeredAt = new ArrayList<>();
  private int setCookies;
  private int rebalanced;

  public StickySession(HttpClient client, int port, String cookieName) {
    this(client, List.of(port), cookieName);
  }

  public StickySession(HttpClient client, List<Integer> ports, String cookieName) {
    this.client = client;
    this.bases = ports.stream().map(p -> URI.create("http://127.0.0.1:" + p)).toList();
    this.cookieName = cookieName;
  }

  /** GET {@code path}; returns the response (backend id in the body). */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    URI base = bases.get(next++ % bases.size());
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
    if (cookie != null) {
      b.header("Cookie", cookieName + "=" + cookie + "; theme=dark");
    }
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    for (String sc : r.headers().allValues("Set-Cookie")) {
      if (sc.startsWith(cookieName + "=")) {
        cookie = sc.substring(cookieName.length() + 1, sc.indexOf(';'));
        setCookies++;
      }
    }
    if (r.headers().firstValue("StickyPool-Rebalanced").isPresent()) {
      rebalanced++;
    }
    if (r.statusCode() == 200) {
      backends.add(r.headers().firstValue("X-Backend").orElse("?"));
      answeredAt.add(java.time.Instant.now());
    }
    return r;
  }

  public String cookie() {
    return cookie;
  }

  public void setCookie(String value) {
    this.cookie = value;
  }

  public List<String> backends() {
    return backends;
  }

  /** When the request that {@link #backends()} lists at the same index was answered. */
  public List<java.time.Instant> answeredAt() {
    return answeredAt;
  }

  public String lastBackend() {
    return backends.isEmpty() ? null : backends.get(backends.size() - 1);
  }

  /** How many times the backend changed between consecutive answered requests. */
  public int moves() {
    int n = 0;
    for (int i = 1; i < backends.size(); i++) {
      if (!backends.get(i).equals(backends.get(i - 1))) {
        n++;
      }
    }
    return n;
  }

  public int setCookies() {
    return setCookies;
  }

  public int rebalanced() {
    return rebalanced;
  }
}
