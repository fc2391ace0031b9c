package io.stickypool.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Simulated users browsing through the proxies like people do: they arrive one after another,
 * click with a think time, now and then go idle for a while, and some leave for good (their cookie
 * goes with them, so their session ends by itself once it has been idle past the cookie's idle
 * timeout). Each keeps the affinity cookie like a browser and alternates between the proxy replicas
 * (as a Service in front of them would spread connections), so a session only stays put if both
 * proxies agree. Who leaves and when is drawn from a fixed seed, relative to the scale-down.
 * A few threads walk the users until {@link #close}; each user's state lives in its {@link Browser},
 * written by one thread at a time and read under its lock.
 */
final class DemoBrowsers implements AutoCloseable {
  private static final int THREADS = 4;
  private static final Duration TICK = Duration.ofMillis(50);
  /** About one user in three leaves during the drain, about one in eight arrives during it. */
  private static final double LEAVING = 0.35;
  private static final double LATE = 0.12;
  private static final double IDLE_CHANCE = 0.08;

  /**
   * How the crowd behaves.
   *
   * @param arrivals the first users arrive spread over this long from {@link #start}
   * @param think the pause between two clicks
   * @param idle how long a user goes idle, now and then (under the cookie's idle timeout)
   */
  record Crowd(int users, Duration arrivals, Duration think, Duration idle) {}

  /** The users' side of the scale-down: who was where when it began. */
  record AtScaleDown(Instant at, Map<String, Integer> perBackend) {}

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Browser> users = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private final Crowd crowd;
  private final Random random = new Random(16);
  private volatile boolean running = true;

  DemoBrowsers(List<Integer> proxyPorts, String cookieName, Crowd crowd) {
    this.crowd = crowd;
    List<URI> bases = proxyPorts.stream().map(p -> URI.create("http://127.0.0.1:" + p + "/hostname")).toList();
    for (int i = 0; i < crowd.users(); i++) {
      users.add(new Browser(bases, i, cookieName, new Random(random.nextLong())));
    }
  }

  /** The first users start arriving; the late ones wait for {@link #scaleDown}. */
  void start() {
    Instant now = Instant.now();
    int early = early();
    for (int i = 0; i < early; i++) {
      users.get(i).arriveAt(now.plus(crowd.arrivals().multipliedBy(i).dividedBy(Math.max(1, early))));
    }
    for (int t = 0; t < THREADS; t++) {
      int slot = t;
      Thread thread = new Thread(() -> browse(slot), "demo-users-" + t);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /**
   * The scale-down begins now: some users will leave between {@code leaveFrom} and {@code
   * leaveUntil} from now (early enough for their sessions to end before the drain deadline), and
   * the late users arrive from {@code lateFrom} on, over {@code lateOver}.
   *
   * @return who was on which backend at this moment
   */
  AtScaleDown scaleDown(Duration leaveFrom, Duration leaveUntil, Duration lateFrom, Duration lateOver) {
    Instant now = Instant.now();
    int early = early();
    long window = Math.max(1, leaveUntil.minus(leaveFrom).toMillis());
    for (int i = 0; i < early; i++) {
      if (random.nextDouble() < LEAVING) {
        users.get(i).leaveAt(now.plus(leaveFrom).plusMillis(random.nextLong(window)));
      }
    }
    int late = users.size() - early;
    for (int i = early; i < users.size(); i++) {
      users.get(i).arriveAt(now.plus(lateFrom).plus(lateOver.multipliedBy(i - early).dividedBy(Math.max(1, late))));
    }
    return new AtScaleDown(now, perBackend());
  }

  private int early() {
    return users.size() - (int) Math.round(users.size() * LATE);
  }

  private void browse(int slot) {
    while (running) {
      Instant now = Instant.now();
      for (int u = slot; u < users.size() && running; u += THREADS) {
        Browser b = users.get(u);
        if (!b.due(now)) {
          continue;
        }
        requests.incrementAndGet();
        try {
          b.visit(http, crowd);
        } catch (IOException | RuntimeException e) {
          failed.incrementAndGet();
          firstFailure.compareAndSet(null, b.name + ": " + e);
        } catch (InterruptedException e) {
          return;
        }
      }
      try {
        Thread.sleep(TICK.toMillis()); // a scheduler tick, not a wait for something to happen
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

  /** Users still here (arrived, not left) per backend, by the backend that answered each one last. */
  Map<String, Integer> perBackend() {
    Map<String, Integer> counts = new TreeMap<>();
    users.stream().filter(Browser::present).forEach(u -> u.last().ifPresent(b -> counts.merge(b, 1, Integer::sum)));
    return counts;
  }

  /** Every user that arrived: its backends in answer order (repeats collapsed) and whether it left. */
  List<Journey> journeys() {
    return users.stream().map(Browser::journey).filter(j -> !j.backends().isEmpty()).toList();
  }

  /** What one user saw. */
  record Journey(List<String> backends, boolean left) {}

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(15_000);
    }
  }

  /** One user: a cookie, the backends that answered it, and when it comes, clicks next and goes. */
  private static final class Browser {
    private final List<URI> bases;
    private final String name;
    private final String cookieName;
    private final Random random;
    private int next;
    private String cookie;
    private Instant arrive;
    private Instant leave;
    private Instant nextClick = Instant.MIN;
    private final List<String> journey = new ArrayList<>();

    Browser(List<URI> bases, int index, String cookieName, Random random) {
      this.bases = bases;
      this.name = "user-" + index;
      this.next = index;
      this.cookieName = cookieName;
      this.random = random;
    }

    synchronized void arriveAt(Instant at) {
      arrive = at;
    }

    synchronized void leaveAt(Instant at) {
      leave = at;
    }

    synchronized boolean due(Instant now) {
      return arrive != null && !now.isBefore(arrive) && (leave == null || now.isBefore(leave))
          && !now.isBefore(nextClick);
    }

    synchronized boolean present() {
      Instant now = Instant.now();
      return arrive != null && !now.isBefore(arrive) && (leave == null || now.isBefore(leave));
    }

    synchronized void visit(HttpClient http, Crowd crowd) throws IOException, InterruptedException {
      HttpRequest.Builder b = HttpRequest.newBuilder(bases.get(next++ % bases.size())).timeout(Duration.ofSeconds(10));
      if (cookie != null) {
        b.header("Cookie", cookieName + "=" + cookie);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      nextClick = Instant.now().plus(random.nextDouble() < IDLE_CHANCE ? crowd.idle() : crowd.think());
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

    synchronized Optional<String> last() {
      return journey.isEmpty() ? Optional.empty() : Optional.of(journey.get(journey.size() - 1));
    }

    synchronized Journey journey() {
      return new Journey(List.copyOf(journey), leave != null && !Instant.now().isBefore(leave));
    }
  }
}
