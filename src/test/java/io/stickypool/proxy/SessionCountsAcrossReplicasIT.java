package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.contract.SessionReport;
import io.stickypool.contract.SessionReportCodec;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.operator.sessions.AdminTarget;
import io.stickypool.operator.sessions.HttpReportFetcher;
import io.stickypool.operator.sessions.PoolSessions;
import io.stickypool.operator.sessions.SessionCollector;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ProxyHarness;
import io.stickypool.testing.StickySession;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three proxy replicas over four backends, each with its own session table, and browser-like
 * clients whose requests alternate between the replicas (a round-robin Service). Backends leave
 * (a drain that one replica learns of before the others, then a backend that dies and fails over
 * on whichever replica meets it first), so sessions re-pin on one replica while the others still
 * list them on the old backend. The operator's collector asks the replicas' admin ports for their
 * reports after every few requests: the distinct sessions it counts never exceed the clients seen
 * so far, equal them once every client is live, and the sessions moved away from each backend
 * that left are exactly its users.
 */
@ExtendWith(LeakDetection.class)
class SessionCountsAcrossReplicasIT {
  private static final int USERS = 60;
  /** Requests between two collection rounds. */
  private static final int ROUND_EVERY = 7;
  private static final SessionReportCodec CODEC = new SessionReportCodec();

  private final SessionCollector collector =
      new SessionCollector(new HttpReportFetcher(), Duration.ofSeconds(5), Clock.systemUTC());
  private final List<Integer> rounds = new ArrayList<>();
  private int worstNaive;

  @Test
  void distinctSessionsNeverExceedTheClientsWhileSessionsRePinAcrossReplicas() throws Exception {
    KeyRing keys = KeyRing.generate(new SecureRandom());
    try (ProxyHarness h = ProxyHarness.cookieMode(4, keys);
        ProxyHarness.Second r2 = h.secondProxy(keys);
        ProxyHarness.Second r3 = h.secondProxy(keys)) {
      List<Integer> ports = List.of(h.port(), r2.port(), r3.port());
      List<AdminTarget> admins = List.of(target("proxy-1", h.proxy), target("proxy-2", r2.proxy),
          target("proxy-3", r3.proxy));
      List<StickySession> users = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        // Each user starts on another replica, then alternates request by request.
        int first = i % ports.size();
        users.add(new StickySession(h.client, IntStream.range(0, ports.size())
            .mapToObj(k -> ports.get((first + k) % ports.size())).toList(), ProxyHarness.COOKIE));
      }
      for (int wave = 0; wave < 3; wave++) {
        browse(users, admins);
      }
      Map<String, Long> before = lastBackends(users);

      // b1's drain ends: replica 1 learns it first and re-pins; 2 and 3 still route to b1.
      Map<String, Function<io.stickypool.core.backend.Backend, io.stickypool.core.backend.Backend>> drained =
          Map.of("b1", b -> b.withState(BackendState.DRAINED, null));
      h.push(drained);
      awaitVersion(h.proxy, 2);
      browse(users, admins);
      r2.routes.push(h.snapshot(drained));
      r3.routes.push(h.snapshot(drained));
      awaitVersion(r2.proxy, 3);
      awaitVersion(r3.proxy, 4);
      browse(users, admins);
      browse(users, admins);
      PoolSessions afterDrain = collector.collect(admins);
      assertThat(afterDrain.movedFrom(BackendId.of("b1"))).as("b1's users, each once")
          .hasSize(before.getOrDefault("b1", 0L).intValue());
      assertThat(lastBackends(users)).doesNotContainKey("b1");

      // b2 dies: whichever replica meets a b2 user first fails it over; the others still list it.
      Map<String, Long> onB2 = lastBackends(users);
      h.backend("b2").kill();
      browse(users, admins);
      browse(users, admins);
      PoolSessions afterFailover = collector.collect(admins);
      assertThat(afterFailover.movedFrom(BackendId.of("b2"))).as("b2's users, each once")
          .hasSize(onB2.getOrDefault("b2", 0L).intValue());
      assertThat(afterFailover.movedFrom(BackendId.of("b2")).values())
          .allSatisfy(m -> assertThat(m.reason()).isEqualTo(io.stickypool.core.session.RepinReason.FAILOVER));
      assertThat(lastBackends(users)).containsOnlyKeys("b0", "b3");

      System.out.printf("%d rounds, distinct sessions per round %s; a per-backend union would have shown"
          + " up to %d for %d users%n", rounds.size(), rounds, worstNaive, USERS);
      assertThat(worstNaive).as("the setup reproduces the double count it guards against").isGreaterThan(USERS);
    }
  }

  /** Every user makes one request; a round every few requests, and one at the end with all live. */
  private void browse(List<StickySession> users, List<AdminTarget> admins) throws Exception {
    for (int i = 0; i < users.size(); i++) {
      StickySession u = users.get(i);
      assertThat(u.get("/").statusCode()).isEqualTo(200);
      if (i % ROUND_EVERY == ROUND_EVERY - 1) {
        assertAtMost(admins, users.stream().filter(s -> !s.backends().isEmpty()).count());
      }
    }
    assertThat(assertAtMost(admins, users.size())).as("every user live").isEqualTo(users.size());
  }

  /** Collects a round, asserts its distinct sessions do not exceed {@code clients}, returns them. */
  private long assertAtMost(List<AdminTarget> admins, long clients) throws Exception {
    PoolSessions s = collector.collect(admins);
    assertThat(s.complete()).as("missing: %s", s.missing()).isTrue();
    long distinct = s.perBackend().keySet().stream().mapToLong(id -> s.sessions(id).orElseThrow()).sum();
    rounds.add((int) distinct);
    assertThat(distinct).as("distinct sessions %s for %d clients", s.perBackend(), clients)
        .isLessThanOrEqualTo(clients);
    worstNaive = Math.max(worstNaive, naiveUnionPerBackend(admins));
    return distinct;
  }

  /** What a union per backend (schema 1's merge) would count over the same reports. */
  private static int naiveUnionPerBackend(List<AdminTarget> admins) throws Exception {
    Map<BackendId, Set<Long>> union = new TreeMap<>();
    for (AdminTarget t : admins) {
      SessionReport r = CODEC.fromJson(AdminClient.get(t.port(), "/sessions/report").body());
      for (SessionReport.Backend b : r.backends()) {
        Set<Long> keys = union.computeIfAbsent(b.id(), id -> new HashSet<>());
        for (long k : b.exact().keys()) {
          keys.add(k);
        }
      }
    }
    return union.values().stream().mapToInt(Set::size).sum();
  }

  private static Map<String, Long> lastBackends(List<StickySession> users) {
    return users.stream().collect(Collectors.groupingBy(StickySession::lastBackend, TreeMap::new, Collectors.counting()));
  }

  private static AdminTarget target(String pod, ProxyRuntime proxy) {
    return new AdminTarget(pod, "127.0.0.1", proxy.adminAddress().getPort());
  }

  private static void awaitVersion(ProxyRuntime proxy, long version) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> proxy.routingState().current().table().snapshot().version() == version);
  }
}
