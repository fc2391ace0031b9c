package io.stickypool.bench;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.CookieCodec;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.cookie.SigningKey;
import io.stickypool.core.route.AffinityRouter;
import io.stickypool.core.route.RouteDecision;
import io.stickypool.core.route.RoutingTable;
import io.stickypool.core.session.SessionTable;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The whole core decision of one cookie-mode request, as an event loop makes it: judge the cookie,
 * look its backend up, touch the session (the common, sticky request), or place a new session. Run
 * with {@code -prof gc} for the bytes each allocates. 10 backends, 4096 live sessions; the sticky
 * request cycles through 64 of them (the harness's 64 connections on one event loop, each
 * replaying its cookie), the many-sessions one through all 4096, more than a thread remembers as
 * verified, so most of those pay the signature check.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AffinityRouterBenchmark {
  private static final int SESSIONS = 4096;

  private AffinityRouter router;
  private RoutingTable table;
  private String[] cookies;
  private int next;

  @Setup
  public void setUp() {
    Clock clock = Clock.systemUTC();
    byte[] secret = new byte[SigningKey.MIN_SECRET_BYTES];
    Arrays.fill(secret, (byte) 7);
    CookieCodec codec = CookieCodec.of(KeyRing.of(new SigningKey(1, secret)), clock, CookieSettings.defaults());
    SessionTable sessions = new SessionTable(1 << 20, Duration.ofMinutes(30), clock);
    router = new AffinityRouter(codec, sessions, clock);
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      backends.add(Backend.active(BackendId.of("web-" + i), "10.0.0." + (i + 1), 8080));
    }
    table = RoutingTable.compile(new RoutingSnapshot(1, AffinitySettings.cookie(CookieSettings.defaults()),
        PlacementSettings.defaults(), backends), Set.of());
    cookies = new String[SESSIONS];
    for (int i = 0; i < SESSIONS; i++) {
      cookies[i] = codec.encode(router.routeByCookie(table, null).cookieToSet());
    }
  }

  /** A request of a live session: cookie judged (recently verified), backend found, session touched. */
  @Benchmark
  public RouteDecision stickyRequest() {
    return router.routeByCookie(table, cookies[next++ & 63]);
  }

  /** The same over 4096 sessions: most cookie values are not remembered as verified. */
  @Benchmark
  public RouteDecision stickyRequestManySessions() {
    return router.routeByCookie(table, cookies[next++ & (SESSIONS - 1)]);
  }

  /** A request without a cookie: a new session placed, pinned and given a cookie (not encoded). */
  @Benchmark
  public RouteDecision newSessionRequest() {
    RouteDecision d = router.routeByCookie(table, null);
    router.sessions().remove(d.sessionKey());
    return d;
  }
}
