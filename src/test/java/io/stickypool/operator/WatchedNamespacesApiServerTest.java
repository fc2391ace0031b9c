package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An operator told to watch one namespace of a real API server leaves the pools of another alone. */
class WatchedNamespacesApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);

  private final KubernetesClient client = K8S.client();
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private TestCluster teamA;
  private TestCluster teamB;

  @BeforeEach
  void start() {
    teamA = TestCluster.inNewNamespace(client, "team-a");
    teamB = TestCluster.inNewNamespace(client, "team-b");
    operator.start(client, teamA.operatorSettings().build());
  }

  @AfterEach
  void stop() {
    operator.stop();
    teamA.deleteNamespace();
    teamB.deleteNamespace();
  }

  @Test
  void reconcilesPoolsInWatchedNamespacesOnly() {
    createWebPool(teamB);
    createWebPool(teamA);

    await().atMost(WAIT).until(() -> teamA.routes("web") != null);
    // team-a is done; team-b had the same time and more to stay untouched
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
      assertThat(teamB.routes("web")).isNull();
      assertThat(teamB.pool("web").getStatus()).isNull();
      assertThat(teamB.pool("web").getMetadata().getFinalizers()).as("not even a finalizer").isEmpty();
    });
  }

  @Test
  void endpointSliceInformerFollowsTheControllerNamespaces() {
    var sources = operator.runtimeInfo().getRegisteredControllers().iterator().next()
        .getControllerHealthInfo().informerEventSourceHealthIndicators();
    InformerWrappingEventSourceHealthIndicator<?> slices = sources.get("endpointslices");
    assertThat(slices).as("event sources: %s", sources.keySet()).isNotNull();
    assertThat(slices.informerHealthIndicators()).containsOnlyKeys(teamA.namespace());
  }

  /** Service web with one ready pod, and the sample pool web on it. */
  private static void createWebPool(TestCluster cluster) {
    cluster.createService("web");
    cluster.writeSlice("web", 1);
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
  }
}
