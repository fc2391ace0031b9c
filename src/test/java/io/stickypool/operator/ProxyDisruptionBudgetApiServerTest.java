package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stickypool.api.v1alpha1.Proxy;
import io.stickypool.api.v1alpha1.ProxyDisruption;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.TargetKind;
import io.stickypool.api.v1alpha1.TargetRef;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pool's PodDisruptionBudget on a real API server: written by server-side apply like the
 * pool's other objects (a hand edit is put back, a field the pool stops setting goes), judged at
 * the pool's replica count in ProxyDisruptionTolerant, and gone in Sidecar mode. Whether it holds
 * a real drain: ProxyDisruptionClusterTest. One namespace per test.
 */
class ProxyDisruptionBudgetApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CONDITION = "ProxyDisruptionTolerant";

  private final KubernetesClient client = K8S.client();
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private TestCluster cluster;
  private String ns;

  @BeforeEach
  void start() {
    cluster = TestCluster.inNewNamespace(client, K8S.namespace());
    ns = cluster.namespace();
    cluster.createService("web");
    cluster.writeSlice("web", 2);
    operator.start(client, cluster.operatorSettings().build());
  }

  @AfterEach
  void stop() {
    operator.stop();
    cluster.deleteNamespace();
  }

  @Test
  void aSingleReplicaPoolGetsABudgetThatNeverHoldsADrainAndSaysSo() {
    cluster.createPool(pool(1, null));

    await().atMost(WAIT).until(() -> budget() != null);
    assertThat(budget().getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(budget().getSpec().getMinAvailable()).isNull();
    Condition single = awaitCondition("False", "SingleProxyReplica");
    assertThat(single.getMessage()).contains("1 proxy replica:", "run 2 or more");
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.events())
        .anySatisfy(e -> assertThat(e.getType() + " " + e.getReason()).isEqualTo("Warning SingleProxyReplica")));

    cluster.editPool("web", p -> p.getSpec().getProxy().setReplicas(3));

    assertThat(awaitCondition("True", "DisruptionBudgetApplied").getMessage())
        .isEqualTo("PodDisruptionBudget web-proxy (maxUnavailable 1): evictions take at most 1 of 3 proxy"
            + " replicas at a time");
  }

  @Test
  void writesTheUsersBudgetAsGivenAndSaysWhenItBlocksDrains() {
    cluster.createPool(pool(2, disruption(null, new IntOrString(2))));

    await().atMost(WAIT).untilAsserted(() -> assertThat(budget()).isNotNull()
        .satisfies(b -> assertThat(b.getSpec().getMinAvailable()).isEqualTo(new IntOrString(2))));
    assertThat(budget().getSpec().getMaxUnavailable()).isNull();
    assertThat(awaitCondition("False", "EvictionsBlocked").getMessage())
        .contains("(minAvailable 2) allows no eviction of 2 proxy replicas");

    cluster.editPool("web", p -> p.getSpec().getProxy().setDisruption(disruption(new IntOrString("50%"), null)));

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(budget().getSpec().getMaxUnavailable()).isEqualTo(new IntOrString("50%"));
      assertThat(budget().getSpec().getMinAvailable()).as("the field the pool stopped setting").isNull();
    });
    awaitCondition("True", "DisruptionBudgetApplied");
  }

  @Test
  void aHandEditOfTheBudgetIsPutBack() {
    cluster.createPool(pool(2, null));
    await().atMost(WAIT).until(() -> budget() != null);

    client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("web-proxy")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": {\"maxUnavailable\": 2}}");

    await().atMost(WAIT).untilAsserted(() ->
        assertThat(budget().getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1)));
  }

  @Test
  void sidecarModeHasNoBudgetNorCondition() {
    cluster.createPool(pool(2, null));
    await().atMost(WAIT).until(() -> budget() != null);
    awaitCondition("True", "DisruptionBudgetApplied");

    cluster.editPool("web", p -> {
      Proxy proxy = p.getSpec().getProxy();
      proxy.setReplicas(null);
      proxy.setMode(ProxyMode.Sidecar);
      TargetRef target = new TargetRef();
      target.setKind(TargetKind.Deployment);
      target.setName("frontend");
      proxy.setTargetRef(target);
    });

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(budget()).as("the target's owner decides its budget").isNull();
      assertThat(cluster.condition("web", CONDITION)).isEmpty();
    });
  }

  private StickyPool pool(int replicas, ProxyDisruption disruption) {
    StickyPool pool = cluster.samplePool("pool-cookie.yaml");
    Proxy proxy = pool.getSpec().getProxy() == null ? new Proxy() : pool.getSpec().getProxy();
    proxy.setReplicas(replicas);
    proxy.setDisruption(disruption);
    pool.getSpec().setProxy(proxy);
    return pool;
  }

  private static ProxyDisruption disruption(IntOrString maxUnavailable, IntOrString minAvailable) {
    ProxyDisruption d = new ProxyDisruption();
    d.setMaxUnavailable(maxUnavailable);
    d.setMinAvailable(minAvailable);
    return d;
  }

  private Condition awaitCondition(String status, String reason) {
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition("web", CONDITION))
        .hasValueSatisfying(c -> assertThat(c.getStatus() + " " + c.getReason()).isEqualTo(status + " " + reason)));
    return cluster.condition("web", CONDITION).orElseThrow();
  }

  private PodDisruptionBudget budget() {
    return client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("web-proxy").get();
  }
}
