package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stickypool.api.v1alpha1.BackendPort;
import io.stickypool.api.v1alpha1.SigningKeys;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.operator.model.SigningSecretModel;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pool's life on a real API server with the real operator: ports, missing and late Services,
 * spec changes, proxy readiness, operator restarts and deletion. Every test gets a namespace of
 * its own (they all use the names web, web-abc...), and the operator watches only that one.
 */
class StickyPoolLifecycleApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);

  private final KubernetesClient client = K8S.client();
  private TestCluster cluster;
  private String ns;
  private StickyPoolOperator operator = new StickyPoolOperator();

  @BeforeEach
  void start() {
    cluster = TestCluster.inNewNamespace(client, K8S.namespace());
    ns = cluster.namespace();
    operator.start(client, cluster.operatorSettings().build());
  }

  @AfterEach
  void stop() {
    operator.stop();
    cluster.deleteNamespace();
  }

  @Test
  void mergesSlicesAndResolvesTheServicePortToEachSlicesTargetPort() {
    cluster.createService("web");
    // A rolling update that changed the target port: old pods on 8080, new ones on 8081.
    cluster.writeSlice("web", "web-old", 0, 2, 8080, UnaryOperator.identity());
    cluster.writeSlice("web", "web-new", 2, 3, 8081, UnaryOperator.identity());
    StickyPool byNumber = cluster.samplePool("pool-cookie.yaml");
    BackendPort port80 = new BackendPort();
    port80.setNumber(80);
    byNumber.getSpec().getBackend().setPort(port80);
    cluster.createPool(byNumber);

    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.backendStates("web"))
        .containsExactly("web-0=Active", "web-1=Active", "web-2=Active"));
    var ports = cluster.routes("web").get("backends").findValuesAsText("port");
    assertThat(ports).as("Service port 80 is dialled on each pod's target port")
        .containsExactly("8080", "8080", "8081");
    await().atMost(WAIT).untilAsserted(() -> assertReady("web"));
  }

  @Test
  void unknownPortIsReportedWithWhatTheServiceHas() {
    cluster.createService("web");
    cluster.writeSlice("web", 3);
    StickyPool pool = cluster.samplePool("pool-cookie.yaml");
    pool.getSpec().getBackend().getPort().setName("grpc");
    cluster.createPool(pool);

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.condition("web", "BackendsResolved")).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("PortNotFound");
        assertThat(c.getMessage()).contains("grpc").contains("http (80)");
      });
      assertThat(cluster.condition("web", "Ready")).hasValueSatisfying(c ->
          assertThat(c.getReason()).isEqualTo("PortNotFound"));
      assertThat(cluster.eventReasons()).contains("PortNotFound");
    });
    assertThat(cluster.backendStates("web")).as("nothing is routed to a guessed port").isEmpty();
  }

  @Test
  void serviceThatAppearsLaterIsPickedUpWithoutWaitingForAResync() {
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition("web", "Ready"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("ServiceNotFound")));

    cluster.writeSlice("web", 2);
    cluster.createService("web");
    // The periodic resync is minutes away: only the Service and slice watches can make this.
    await().atMost(WAIT).untilAsserted(() -> assertReady("web"));
    assertThat(cluster.backendStates("web")).containsExactly("web-0=Active", "web-1=Active");
  }

  @Test
  void vanishingServiceKeepsTheLastGoodRoutes() {
    cluster.createService("web");
    cluster.writeSlice("web", 3);
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
    await().atMost(WAIT).untilAsserted(() -> assertReady("web"));
    long version = cluster.routesVersion("web");

    client.services().inNamespace(ns).withName("web").delete();
    client.discovery().v1().endpointSlices().inNamespace(ns).withName("web-abc").delete();
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition("web", "Ready"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("ServiceNotFound")));
    assertThat(cluster.backendStates("web")).hasSize(3).allMatch(s -> s.endsWith("=Active"));
    assertThat(cluster.routesVersion("web")).isEqualTo(version);

    cluster.createService("web");
    cluster.writeSlice("web", 3);
    await().atMost(WAIT).untilAsserted(() -> assertReady("web"));
    assertThat(cluster.routesVersion("web")).as("same backends, same snapshot").isEqualTo(version);
  }

  @Test
  void specChangeIsObservedAndPublished() {
    cluster.createService("web");
    cluster.writeSlice("web", 2);
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
    await().atMost(WAIT).untilAsserted(() -> assertReady("web"));
    long version = cluster.routesVersion("web");

    patchPool("{\"spec\": {\"affinity\": {\"type\": \"Cookie\", \"cookie\": {\"name\": \"shop-session\"}}}}");

    await().atMost(WAIT).untilAsserted(() -> {
      StickyPool now = cluster.pool("web");
      assertThat(now.getStatus().getObservedGeneration())
          .as("generation %s, conditions %s", now.getMetadata().getGeneration(), now.getStatus().getConditions())
          .isEqualTo(2L);
      assertThat(cluster.routes("web").at("/affinity/cookie/name").asText()).isEqualTo("shop-session");
    });
    assertThat(cluster.routesVersion("web")).isEqualTo(version + 1);
  }

  @Test
  void proxyDeploymentReadinessReachesProxyAvailable() {
    cluster.createService("web");
    cluster.writeSlice("web", 2);
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition("web", "ProxyAvailable"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("Unknown")));

    // No Deployment controller runs on the API-server level: report rollout progress the way it
    // would. (Where a *ClusterTest raised the JVM's control plane, the real controller and KWOK
    // overwrite this and reach the same 2/2; PoolGarbageCollectionClusterTest waits for that.)
    // A merge patch without resourceVersion: the operator writes this Deployment too.
    Deployment proxy = client.apps().deployments().inNamespace(ns).withName("web-proxy").get();
    proxy.getMetadata().setResourceVersion(null);
    proxy.setStatus(new DeploymentStatusBuilder().withObservedGeneration(proxy.getMetadata().getGeneration())
        .withReplicas(2).withReadyReplicas(2).withAvailableReplicas(2).withUpdatedReplicas(2).build());
    client.resource(proxy).patchStatus();

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.condition("web", "ProxyAvailable")).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getMessage()).isEqualTo("2/2 proxy replicas ready");
      });
      assertThat(cluster.pool("web").getStatus().getProxyReplicas().getReady()).isEqualTo(2);
    });
  }

  @Test
  void restartedOperatorContinuesTheVersionAndKeepsTheKeys() {
    cluster.createService("web");
    cluster.writeSlice("web", 3);
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
    await().atMost(WAIT).untilAsserted(() -> assertReady("web"));
    cluster.writeSlice("web", 2);
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.backendStates("web")).hasSize(2));
    long version = cluster.routesVersion("web");
    String keys = cluster.keys("web");

    operator.stop();
    operator = new StickyPoolOperator();
    operator.start(client, cluster.operatorSettings().build());
    cluster.writeSlice("web", 4);

    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.backendStates("web")).hasSize(4));
    assertThat(cluster.routesVersion("web")).as("continues from the ConfigMap").isEqualTo(version + 1);
    assertThat(cluster.keys("web")).as("live cookies stay valid").isEqualTo(keys);
  }

  @Test
  void restartedOperatorKeepsDrainDeadlinesAndAnnouncesNoBackendAgain() {
    cluster.createService("web");
    cluster.writeSlice("web", "web-abc", 0, 3, 8080,
        e -> "10.0.0.2".equals(e.getAddresses().get(0)) ? TestCluster.terminating(e) : e);
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.backendStates("web")).contains("web-1=Draining"));
    // Restart only after the first reconcile finished (status written): stopping the operator
    // interrupts a reconcile in flight, and its Events would be lost with it (at most once).
    await().atMost(WAIT).untilAsserted(() -> assertReady("web"));
    String deadline = drainDeadline("web-1");

    operator.stop();
    operator = new StickyPoolOperator();
    operator.start(client, cluster.operatorSettings().build());
    cluster.writeSlice("web", "web-abc", 0, 4, 8080,
        e -> "10.0.0.2".equals(e.getAddresses().get(0)) ? TestCluster.terminating(e) : e);

    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.backendStates("web")).hasSize(4));
    assertThat(drainDeadline("web-1")).as("a restart does not extend a drain").isEqualTo(deadline);
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.eventReasons())
        .as("web-0 and web-2 at first, web-3 after the restart; web-1 drains once")
        .filteredOn(r -> r.startsWith("Backend"))
        .containsExactlyInAnyOrder("BackendAdded", "BackendAdded", "BackendDraining", "BackendAdded"));
  }

  private String drainDeadline(String backend) {
    for (var b : cluster.routes("web").get("backends")) {
      if (backend.equals(b.get("id").asText())) {
        return b.get("drainDeadline").asText();
      }
    }
    throw new AssertionError(backend + " is not in the routes");
  }

  @Test
  void requestedKeyRotationStagesPromotesAndRetiresWithoutRegeneratingTheRing() {
    cluster.createService("web");
    cluster.writeSlice("web", 2);
    StickyPool pool = cluster.samplePool("pool-cookie.yaml");
    SigningKeys fast = new SigningKeys();
    fast.setPropagationDelay("1s");
    fast.setRetireAfter("2s");
    pool.getSpec().setSigningKeys(fast);
    cluster.createPool(pool);
    await().atMost(WAIT).untilAsserted(() -> assertReady("web"));
    KeyRing before = ring();

    patchPool("{\"metadata\": {\"annotations\": {\"stickypool.io/rotate-keys\": \"2026-11-28\"}}}");

    await().atMost(WAIT).untilAsserted(() -> assertThat(ring().keys()).hasSize(2));
    assertThat(ring().signingKey()).as("staged: the old key still signs").isEqualTo(before.signingKey());
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(ring().signingKey()).as("promoted").isNotEqualTo(before.signingKey()));
    assertThat(ring().keys()).as("old cookies still verify").contains(before.signingKey());
    await().atMost(WAIT).untilAsserted(() -> assertThat(ring().keys()).as("retired").hasSize(1));
    assertThat(ring().keys()).doesNotContain(before.signingKey());
    assertThat(cluster.events()).filteredOn(e -> "SigningKeysRotated".equals(e.getReason()))
        .extracting(e -> e.getMessage().split(";")[0])
        .containsExactlyInAnyOrder("Signing keys staged", "Signing keys promoted", "Signing keys retired");
  }

  /**
   * Changes pool web as {@code kubectl patch --type merge} does. fabric8's edit() sends the
   * resourceVersion it read, so on a real API server it fails with 409 whenever the operator
   * wrote the pool (finalizer, status) in between; the mock never raced.
   */
  private void patchPool(String mergePatch) {
    client.resources(StickyPool.class).inNamespace(ns).withName("web")
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  private KeyRing ring() {
    return SigningSecretModel.keyRing(client.secrets().inNamespace(ns).withName("web-keys").get())
        .orElseThrow();
  }

  @Test
  void deletingThePoolRemovesWhatItOwnedAndNothingElse() {
    cluster.createService("web");
    cluster.writeSlice("web", 2);
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(owned()).doesNotContainNull());

    client.resources(StickyPool.class).inNamespace(ns).withName("web").delete();

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.pool("web")).as("finalizer released").isNull();
      assertThat(owned()).containsOnlyNulls();
    });
    assertThat(client.services().inNamespace(ns).withName("web").get()).as("the user's Service").isNotNull();
  }

  private List<HasMetadata> owned() {
    return cluster.owned("web");
  }

  private void assertReady(String pool) {
    assertThat(cluster.condition(pool, "Ready")).hasValueSatisfying(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("Reconciled");
    });
  }
}
