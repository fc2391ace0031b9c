package io.stickypool.operator;

import static io.stickypool.operator.sessions.CannedReport.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.Drain;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.backend.BackendState;
import io.stickypool.operator.drain.PodDeletionCosts;
import io.stickypool.operator.sessions.CannedReport;
import io.stickypool.operator.sessions.ReportServer;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two pools over one Service on a real API server with the real operator: pool "web" drains in 2 s,
 * pool "slow" in 12 s, and both hold sessions on web-1 so that each drain ends by its timeout. The
 * pools' proxies report sessions from loopback servers; pool web also runs a real proxy in this
 * JVM, whose {@code /drained} a backend's preStop hook would ask.
 */
class SharedBackendPodsApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final Instant seen = Instant.now();

  private final KubernetesClient client = K8S.client();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private TestCluster cluster;
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private final ReportServer webProxy = new ReportServer();
  private final ReportServer slowProxy = new ReportServer();
  private InProcessProxy proxy;

  @BeforeEach
  void start() {
    cluster = TestCluster.inNewNamespace(client, K8S.namespace());
    webProxy.serve(CannedReport.of("web-proxy-a").backend("web-0", seen, keys(0, 3))
        .backend("web-1", seen, keys(10, 12)).json());
    slowProxy.serve(CannedReport.of("slow-proxy-a").backend("web-0", seen, keys(100, 104))
        .backend("web-1", seen, keys(110, 113)).json());
    operator.start(client, cluster.operatorSettings()
        .sessionRefresh(Duration.ofMillis(800))
        .drainRefresh(Duration.ofMillis(250))
        .adminTargets(TestCluster.reportsFrom(Map.of("web-proxy-a", webProxy, "slow-proxy-a", slowProxy)))
        .build());
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (proxy != null) {
      proxy.close();
    }
    operator.stop();
    webProxy.close();
    slowProxy.close();
    cluster.deleteNamespace();
  }

  @Test
  void aPodIsLetGoOnlyOnceEveryPoolRoutingToItHasDrainedIt() throws Exception {
    startPools();
    proxy = InProcessProxy.start(new KubernetesClientBuilder().withConfig(client.getConfiguration()).build(),
        cluster.namespace(), "web", id -> 9);
    assertThat(drained("web-1").statusCode()).isEqualTo(503);

    terminateWeb1();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(backend("web", "web-1")).extracting(BackendStatus::getState, BackendStatus::getWaitingFor)
          .containsExactly(io.stickypool.api.v1alpha1.BackendState.Drained, List.of("slow"));
      assertThat(proxy.states()).containsEntry("web-1", BackendState.DRAINING);
    });
    Instant webDone = Instant.now();
    assertThat(drained("web-1").body()).contains("the pod is held: another pool routing to it is still draining it");
    assertThat(message("web", "BackendDrained")).startsWith("Backend web-1 drained after ")
        .endsWith("deadline passed; the proxies re-pin the sessions still pinned (SessionsRebalanced counts them)");
    assertThat(message("web", "BackendHeld")).isEqualTo("Backend web-1 drained here; its pod waits for pool slow,"
        + " still routing to it or draining it (/drained?backend=web-1 answers 503 until then)");

    // Pool web's proxy answers 503 for as long as pool slow has not drained web-1: its 12 s.
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      HttpResponse<String> answer = drained("web-1");
      boolean slowDone = cluster.backendStates("slow").contains("web-1=Drained");
      assertThat(answer.statusCode() == 503 || slowDone).as("/drained said %s before pool slow drained web-1",
          answer.body()).isTrue();
      return slowDone;
    });
    assertThat(Duration.between(webDone, Instant.now())).isGreaterThan(Duration.ofSeconds(5));

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(drained("web-1").statusCode()).isEqualTo(200);
      assertThat(backend("web", "web-1").getWaitingFor()).isNull();
      assertThat(message("web", "BackendReleased")).isEqualTo("Backend web-1 released: every pool routing to"
          + " its pod has drained it (/drained?backend=web-1 answers 200)");
      assertThat(cluster.events()).filteredOn(e -> "web".equals(e.getInvolvedObject().getName()))
          .extracting(Event::getMessage).anyMatch(m -> m.contains(": released web-1; 2 active, 0 draining"));
    });
    assertThat(message("slow", "BackendDrained")).endsWith("deadline passed; the proxies re-pin the sessions"
        + " still pinned (SessionsRebalanced counts them)");
  }

  @Test
  void aPodsDeletionCostIsTheSumOfEveryPoolsSessions() {
    AuditTrail audit = new AuditTrail(K8S.controlPlane().auditLog(), cluster.namespace());
    audit.mark();
    startPools();

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(annotations("web-0")).containsEntry(PodDeletionCosts.COST_ANNOTATION, "7")
          .containsEntry(PodDeletionCosts.OWNER_ANNOTATION, "slow,web");
      assertThat(annotations("web-1")).containsEntry(PodDeletionCosts.COST_ANNOTATION, "5");
      assertThat(annotations("web-2")).containsEntry(PodDeletionCosts.COST_ANNOTATION, "0");
    });
    // The pods come from the operator's cache; the test itself reads them by list.
    assertThat(audit.since()).filteredOn(AuditTrail.Request::fromThisJvm)
        .filteredOn(r -> r.resource().equals("pods") && r.name().startsWith("web-") && !r.subresource().equals("status"))
        .extracting(AuditTrail.Request::verb).contains("patch").doesNotContain("get");
  }

  /**
   * Pool slow's proxy does not answer, so its sessions are unknown and no cost can be summed: the
   * case where the operator used to GET every backend pod each round.
   */
  @Test
  void idlePoolsWithDeletionCostsReadNoPodFromTheApiServer() {
    AtomicInteger asked = new AtomicInteger();
    String report = CannedReport.of("web-proxy-a").backend("web-0", seen, keys(0, 3)).json();
    webProxy.serve(() -> {
      asked.incrementAndGet();
      return report;
    });
    slowProxy.status(503);
    createPools();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(backend("web", "web-0").getSessions()).isEqualTo(3L);
      assertThat(cluster.pool("slow").getStatus().getSessionsReportedBy()).isEqualTo("0/1");
    });
    AuditTrail audit = new AuditTrail(K8S.controlPlane().auditLog(), cluster.namespace());
    audit.markAcrossRounds(asked::get, WAIT);

    await().atMost(WAIT).untilAsserted(() -> assertThat(audit.since()).filteredOn(AuditTrail.Request::fromThisJvm)
        .filteredOn(r -> r.resource().equals("pods") && !r.verb().equals("watch"))
        .as("pod requests while the costs cannot be summed").isEmpty());
    assertThat(annotations("web-0")).doesNotContainKey(PodDeletionCosts.COST_ANNOTATION);
  }

  @Test
  void aPoolWithoutReadyProxiesIsNotAvailableThroughAnotherPoolsProxies() {
    startPools();
    await().atMost(WAIT).until(() -> deployment("web-proxy") != null && deployment("slow-proxy") != null);

    proxyDeploymentStatus("web-proxy", 2);
    proxyDeploymentStatus("slow-proxy", 0);

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(proxyAvailable("web")).map(Condition::getStatus).contains("True");
      assertThat(proxyAvailable("slow")).map(Condition::getStatus).contains("False");
      assertThat(proxyAvailable("slow")).map(Condition::getMessage).contains("0/2 proxy replicas ready");
    });
  }

  /** Service web with pods web-0..2, and pools web (drain 2 s) and slow (12 s) over it, costs on. */
  private void startPools() {
    createPools();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(backend("web", "web-1").getSessions()).isEqualTo(2L);
      assertThat(backend("slow", "web-1").getSessions()).isEqualTo(3L);
    });
  }

  private void createPools() {
    cluster.createService("web");
    cluster.createBackendPods("web", 3, 600L);
    cluster.writeSlice("web", 3);
    writeProxyPod("web", "10.9.0.1");
    writeProxyPod("slow", "10.9.0.2");
    cluster.createPool(pool("web", "2s"));
    cluster.createPool(pool("slow", "12s"));
  }

  private StickyPool pool(String name, String drainTimeout) {
    StickyPool pool = cluster.samplePool("pool-cookie.yaml");
    pool.getMetadata().setName(name);
    Drain drain = new Drain();
    drain.setDrainTimeout(drainTimeout);
    drain.setIdleSessionThreshold("1h");
    drain.setPodDeletionCost(true);
    pool.getSpec().setDrain(drain);
    return pool;
  }

  /** A Ready proxy pod of {@code pool}, labelled as the operator's Deployment labels them. */
  private void writeProxyPod(String pool, String ip) {
    cluster.createRunningPod(new PodBuilder()
        .withNewMetadata().withName(pool + "-proxy-a")
        .addToLabels("app.kubernetes.io/name", "stickypool-proxy")
        .addToLabels("app.kubernetes.io/instance", pool)
        .addToLabels("app.kubernetes.io/managed-by", "stickypool-operator")
        .addToLabels("stickypool.io/pool", pool).endMetadata()
        .withNewSpec().addNewContainer().withName("proxy").withImage(TestCluster.IMAGE).endContainer().endSpec()
        .build(), ip);
  }

  private void terminateWeb1() {
    cluster.writeSlice("web", "web-abc", 0, 3, 8080,
        e -> "10.0.0.2".equals(e.getAddresses().get(0)) ? TestCluster.terminating(e) : e);
  }

  private HttpResponse<String> drained(String backend) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort()
        + "/drained?backend=" + backend)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private BackendStatus backend(String pool, String id) {
    StickyPool p = cluster.pool(pool);
    if (p == null || p.getStatus() == null || p.getStatus().getBackends() == null) {
      return new BackendStatus();
    }
    return p.getStatus().getBackends().stream().filter(b -> id.equals(b.getId())).findFirst()
        .orElseGet(BackendStatus::new);
  }

  /** The message of the only Event with this reason on {@code pool}. */
  private String message(String pool, String reason) {
    List<Event> found = cluster.events().stream().filter(e -> reason.equals(e.getReason())
        && pool.equals(e.getInvolvedObject().getName())).toList();
    assertThat(found).as(reason + " events of " + pool).hasSize(1);
    return found.get(0).getMessage();
  }

  /** Read by a list, so that an audit log can tell the test's reads from the operator's GETs. */
  private Map<String, String> annotations(String pod) {
    Map<String, String> a = client.pods().inNamespace(cluster.namespace()).list().getItems().stream()
        .filter(p -> pod.equals(p.getMetadata().getName())).findFirst().orElseThrow().getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  private io.fabric8.kubernetes.api.model.apps.Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(cluster.namespace()).withName(name).get();
  }

  /** Reports the Deployment as its controller would: seen, {@code ready} of its replicas ready. */
  private void proxyDeploymentStatus(String name, int ready) {
    client.apps().deployments().inNamespace(cluster.namespace()).withName(name).editStatus(d -> {
      d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
          .withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(2)
          .withReadyReplicas(ready == 0 ? null : ready).withUpdatedReplicas(2).build());
      return d;
    });
  }

  private Optional<Condition> proxyAvailable(String pool) {
    return cluster.condition(pool, ConditionTypes.PROXY_AVAILABLE);
  }
}
