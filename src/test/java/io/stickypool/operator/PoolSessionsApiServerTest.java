package io.stickypool.operator;

import static io.stickypool.operator.sessions.CannedReport.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.core.session.RepinReason;
import io.stickypool.operator.sessions.CannedReport;
import io.stickypool.operator.sessions.ReportServer;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live session counts on a real API server with the real operator: two proxy pods written by the
 * test, whose admin ports are loopback servers serving test-controlled reports. Pool "web" has
 * backends web-0..web-2; web-1 is the one that drains. Every test has a namespace of its own (they
 * all use the same names, and count Events), which the operator alone watches.
 */
class PoolSessionsApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);
  /** Recent activity: with a 1h idle threshold no session is idle. */
  private final Instant seen = Instant.now();

  private final KubernetesClient client = K8S.client();
  private TestCluster cluster;
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private final ReportServer proxyA = new ReportServer();
  private final ReportServer proxyB = new ReportServer();

  @BeforeEach
  void start() {
    cluster = TestCluster.inNewNamespace(client, K8S.namespace());
    Map<String, ReportServer> admin = Map.of("web-proxy-a", proxyA, "web-proxy-b", proxyB);
    operator.start(client, cluster.operatorSettings()
        .sessionRefresh(Duration.ofMillis(800))
        .drainRefresh(Duration.ofMillis(250))
        .adminTargets(TestCluster.reportsFrom(admin))
        .build());
  }

  @AfterEach
  void stop() {
    operator.stop();
    proxyA.close();
    proxyB.close();
    cluster.deleteNamespace();
  }

  @Test
  void statusShowsTheMergedSessionsOfBothReplicas() {
    proxyA.serve(CannedReport.of("web-proxy-a").backend("web-0", seen, keys(0, 5))
        .backend("web-1", seen, keys(100, 103)).json());
    proxyB.serve(CannedReport.of("web-proxy-b").backend("web-0", seen, keys(3, 8)).json());
    startPool("5m", "1h");

    await().atMost(WAIT).untilAsserted(() -> {
      StickyPoolStatus status = cluster.pool("web").getStatus();
      assertThat(backendSessions(status)).containsExactly(
          Map.entry("web-0", 8L), Map.entry("web-1", 3L), Map.entry("web-2", 0L));
      assertThat(status.getSessions()).isEqualTo(11L);
      assertThat(status.getSessionsReportedBy()).isEqualTo("2/2");
      assertThat(status.getSessionsObservedAt()).isNotNull();
    });
  }

  @Test
  void anIdlePoolWritesNothingWhileItsRoundsGoOn() {
    AtomicInteger asked = new AtomicInteger();
    proxyA.serve(() -> {
      asked.incrementAndGet();
      return CannedReport.of("web-proxy-a").backend("web-0", seen, keys(0, 5)).json();
    });
    proxyB.serve(CannedReport.of("web-proxy-b").backend("web-1", seen, keys(10, 12)).json());
    startPool("5m", "1h");
    await().atMost(WAIT).until(() -> cluster.pool("web").getStatus() != null
        && Long.valueOf(7).equals(cluster.pool("web").getStatus().getSessions()));
    AuditTrail audit = new AuditTrail(K8S.controlPlane().auditLog(), cluster.namespace());
    // Let the first rounds' writes (owned objects, status, Events) finish, then watch several rounds.
    audit.markAcrossRounds(asked::get, WAIT);

    await().atMost(WAIT).untilAsserted(() -> assertThat(audit.since()).filteredOn(AuditTrail.Request::fromThisJvm)
        .filteredOn(r -> !r.isRead()).as("writes by an operator whose pool did not change").isEmpty());
  }

  @Test
  void drainEndsBeforeItsDeadlineOnceNoSessionIsLeft() {
    serveWeb1(keys(0, 4), keys(2, 4));
    startPool("5m", "1h");
    awaitSessions("web-1", 4);

    terminateWeb1();
    awaitWeb1("Draining", "BackendDraining", "Backend web-1 draining with 4 live sessions until ",
        "(drain timeout 5m)");

    serveWeb1(keys(0, 0), keys(0, 0));
    awaitWeb1("Drained", "BackendDrained", "Backend web-1 drained after ",
        ": no sessions left");
  }

  @Test
  void unreachableReplicaKeepsTheDrainGoingAndTheStatusSaysSo() {
    serveWeb1(keys(0, 0), keys(0, 0));
    proxyB.status(503);
    startPool("5m", "1h");
    // The Event tells what the last round knew: terminate once a round has heard from proxy-a.
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.pool("web").getStatus())
        .extracting(StickyPoolStatus::getSessionsReportedBy).isEqualTo("1/2"));

    terminateWeb1();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.backendStates("web")).contains("web-1=Draining");
      assertThat(cluster.pool("web").getStatus())
          .extracting(StickyPoolStatus::getSessionsReportedBy).isEqualTo("1/2");
      assertThat(message("BackendDraining")).contains("at least 0 live sessions (1/2 proxies answered)");
    });
    // Several drain refreshes: proxy-a alone says "0", which must not end the drain.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(cluster.backendStates("web")).contains("web-1=Draining"));

    proxyB.status(200);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.backendStates("web")).contains("web-1=Drained");
      assertThat(cluster.pool("web").getStatus())
          .extracting(StickyPoolStatus::getSessionsReportedBy).isEqualTo("2/2");
    });
  }

  @Test
  void deadlineRepinsTheSessionsLeftAndTellsWhereTheyWent() {
    // Before: web-0 holds 2, web-1 6 (4 on proxy-a, 2 more on proxy-b), web-2 1.
    Supplier<String> before = () -> CannedReport.of("web-proxy-a").backend("web-0", seen, keys(0, 2))
        .backend("web-1", seen, keys(10, 14)).backend("web-2", seen, keys(20, 21)).json();
    // After the proxies saw web-1 Drained: proxy-a re-pinned its 6 sessions, 4 to web-0 and 2 to
    // web-2; proxy-b followed the new cookies of the 2.
    Supplier<String> after = () -> CannedReport.of("web-proxy-a").backend("web-0", seen, 0, 1, 10, 11, 12, 13)
        .backend("web-1", seen).backend("web-2", seen, 20, 14, 15)
        .moved("web-0", "web-1", RepinReason.DRAINED, 10, 11, 12, 13)
        .moved("web-2", "web-1", RepinReason.DRAINED, 14, 15).json();
    proxyA.serve(() -> (web1Drained() ? after : before).get());
    proxyB.serve(() -> web1Drained()
        ? CannedReport.of("web-proxy-b").backend("web-2", seen, 14, 15).json()
        : CannedReport.of("web-proxy-b").backend("web-1", seen, keys(12, 16)).json());
    startPool("2s", "1h");
    awaitSessions("web-1", 6);

    terminateWeb1();
    awaitWeb1("Drained", "BackendDrained", "Backend web-1 drained after ",
        ": deadline passed; the proxies re-pin the sessions still pinned (SessionsRebalanced counts them)");
    await().atMost(WAIT).untilAsserted(() -> assertThat(message("SessionsRebalanced"))
        .isEqualTo("6 sessions moved from web-1 to web-0 (+4), web-2 (+2), re-pinned by the proxies when it drained"));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(cluster.eventReasons()).containsOnlyOnce("SessionsRebalanced"));
  }

  @Test
  void drainEndsWhenEveryRemainingSessionIsIdle() {
    Instant lastSeen = Instant.now();
    proxyA.serve(CannedReport.of("web-proxy-a").backend("web-1", lastSeen, keys(0, 3)).json());
    proxyB.serve(CannedReport.of("web-proxy-b").backend("web-1", lastSeen, keys(1, 3)).json());
    startPool("5m", "3s");
    awaitSessions("web-1", 3);

    terminateWeb1();
    awaitWeb1("Drained", "BackendDrained", "Backend web-1 drained after ",
        ": all 3 live sessions remaining idle for 3s or more");
  }

  /** web-1 reaches {@code state} with one {@code reason} Event, its message framed so. */
  private void awaitWeb1(String state, String reason, String messageStart, String messageEnd) {
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.backendStates("web")).contains("web-1=" + state);
      assertThat(message(reason)).startsWith(messageStart).endsWith(messageEnd);
    });
  }

  private void startPool(String drainTimeout, String idleThreshold) {
    cluster.createPool(cluster.webPoolWithTwoProxies(drainTimeout, idleThreshold));
  }

  /** web-1's sessions as proxy-a and proxy-b see them; web-0 always holds session 1000. */
  private void serveWeb1(long[] onA, long[] onB) {
    proxyA.serve(CannedReport.of("web-proxy-a").backend("web-0", seen, 1000).backend("web-1", seen, onA).json());
    proxyB.serve(CannedReport.of("web-proxy-b").backend("web-1", seen, onB).json());
  }

  private void terminateWeb1() {
    cluster.writeSlice("web", "web-abc", 0, 3, 8080,
        e -> "10.0.0.2".equals(e.getAddresses().get(0)) ? TestCluster.terminating(e) : e);
  }

  private boolean web1Drained() {
    return cluster.backendStates("web").contains("web-1=Drained");
  }

  private void awaitSessions(String backend, long n) {
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(backendSessions(cluster.pool("web").getStatus())).containsEntry(backend, n));
  }

  private static Map<String, Long> backendSessions(StickyPoolStatus status) {
    Map<String, Long> out = new TreeMap<>();
    if (status != null) {
      for (BackendStatus b : status.getBackends()) {
        out.put(b.getId(), b.getSessions());
      }
    }
    return out;
  }

  /** The message of the only Event with this reason. */
  private String message(String reason) {
    List<Event> found = cluster.events().stream().filter(e -> reason.equals(e.getReason())).toList();
    assertThat(found).as(reason + " events").hasSize(1);
    return found.get(0).getMessage();
  }
}
