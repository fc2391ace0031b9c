package io.stickypool.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulated users: each keeps the affinity cookie the proxy gives it, like a browser, and
 * remembers every backend that answered it. Requests go one round at a time over all users.
 */
final class DemoUsers implements AutoCloseable {
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final URI uri;
  private final String cookieName;
  private final String[] cookies;
  private final List<List<String>> seen = new ArrayList<>();
  private int requests;
  private int failed;

  DemoUsers(int port, int users, String cookieName) {
    this.uri = URI.create("http://127.0.0.1:" + port + "/");
    this.cookieName = cookieName;
    this.cookies = new String[users];
    for (int i = 0; i < users; i++) {
      seen.add(new ArrayList<>());
    }
  }

  /** One request per user. */
  void round() throws InterruptedException {
    for (int u = 0; u < cookies.length; u++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
      if (cookies[u] != null) {
        b.header("Cookie", cookieName + "=" + cookies[u]);
      }
      requests++;
      try {
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          failed++;
          continue;
        }
        for (String sc : r.headers().allValues("Set-Cookie")) {
          if (sc.startsWith(cookieName + "=")) {
            cookies[u] = sc.substring(cookieName.length() + 1, sc.indexOf(';'));
          }
        }
        seen.get(u).add(r.body().trim());
      } catch (java.io.IOException e) {
        failed++;
      }
    }
  }

  Map<String, Integer> perBackend() {
    Map<String, Integer> counts = new HashMap<>();
    for (List<String> s : seen) {
      if (!s.isEmpty()) {
        counts.merge(s.get(s.size() - 1), 1, Integer::sum);
      }
    }
    return ProxyDemo.sorted(counts);
  }

  DemoSummary summary() {
    int moved = 0;
    int onDrained = 0;
    int wrong = 0;
    for (List<String> s : seen) {
      int moves = 0;
      for (int i = 1; i < s.size(); i++) {
        moves += s.get(i).equals(s.get(i - 1)) ? 0 : 1;
      }
      boolean wasOnDrained = !s.isEmpty() && s.get(0).equals("web-0");
      onDrained += wasOnDrained ? 1 : 0;
      moved += moves > 0 ? 1 : 0;
      if ((wasOnDrained && moves != 1) || (!wasOnDrained && moves != 0)) {
        wrong++;
      }
    }
    return new DemoSummary(requests, failed, moved, onDrained, wrong);
  }

  @Override
  public void close() {}
}
