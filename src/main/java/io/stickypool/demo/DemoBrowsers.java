package io.stickypool.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Simulated users browsing through the proxies: each keeps the affinity cookie like a browser and
 * alternates between the proxy replicas (as a Service in front of them would spread connections),
 * so a session only stays put if both proxies agree. A few threads walk the users round after
 * round with a short pause, until {@link #close}. Each user's history of backends lives in its
 * {@link Browser}, written by one thread at a time and read under its lock.
 */
final class DemoBrowsers implements AutoCloseable {
  private static final int THREADS = 4;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Browser> users = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private final Duration pause;
  private volatile boolean running = true;

  DemoBrowsers(List<Integer> proxyPorts, int count, String cookieName, Duration pause) {
    this.pause = pause;
    List<URI> bases = proxyPorts.stream().map(p -> URI.create("http://127.0.0.1:" + p + "/hostname")).toList();
    for (int i = 0; i < count; i++) {
      users.add(new Browser(bases, i, cookieName));
    }
  }

  void start() {
    for (int t = 0; t < THREADS; t++) {
      int slot = t;
      Thread thread = new Thread(() -> browse(slot), "demo-users-" + t);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  private void browse(int slot) {
    while (running) {
      for (int u = slot; u < users.size() && running; u += THREADS) {
        requests.incrementAndGet();
        try {
          users.get(u).visit(http);
        } catch (IOException | RuntimeException e) {
          failed.incrementAndGet();
          firstFailure.compareAndSet(null, users.get(u).name + ": " + e);
        } catch (InterruptedException e) {
          return;
        }
      }
      try {
        Thread.sleep(pause.toMillis()); // think time between rounds; keeps two cores usable
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  int requests() {
    return requests.get();
  }

  int failed() {
    return failed.get();
  }

  String firstFailure() {
    return firstFailure.get();
  }

  /** Users per backend, by the backend that answered each one last. */
  Map<String, Integer> perBackend() {
    Map<String, Integer> counts = new TreeMap<>();
    users.forEach(u -> u.last().ifPresent(b -> counts.merge(b, 1, Integer::sum)));
    return counts;
  }

  /** Every user's backends in answer order (consecutive repeats collapsed). */
  List<List<String>> journeys() {
    return users.stream().map(Browser::journey).toList();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(15_000);
    }
  }

  /** One user: a cookie and the backends that answered it. */
  private static final class Browser {
    private final List<URI> bases;
    private final String name;
    private final String cookieName;
    private int next;
    private String cookie;
    private final List<String> journey = new ArrayList<>();

    Browser(List<URI> bases, int index, String cookieName) {
      this.bases = bases;
      this.name = "user-" + index;
      this.next = index;
      this.cookieName = cookieName;
    }

    synchronized void visit(HttpClient http) throws IOException, InterruptedException {
      HttpRequest.Builder b = HttpRequest.newBuilder(bases.get(next++ % bases.size())).timeout(Duration.ofSeconds(10));
      if (cookie != null) {
        b.header("Cookie", cookieName + "=" + cookie);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode() + " " + r.body().trim());
      }
      for (String sc : r.headers().allValues("Set-Cookie")) {
        if (sc.startsWith(cookieName + "=")) {
          int end = sc.indexOf(';');
          cookie = sc.substring(cookieName.length() + 1, end < 0 ? sc.length() : end);
        }
      }
      String backend = r.body().trim();
      if (journey.isEmpty() || !journey.get(journey.size() - 1).equals(backend)) {
        journey.add(backend);
      }
    }

    synchronized java.util.Optional<String> last() {
      return journey.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(journey.get(journey.size() - 1));
    }

    synchronized List<String> journey() {
      return List.copyOf(journey);
    }
  }
}
