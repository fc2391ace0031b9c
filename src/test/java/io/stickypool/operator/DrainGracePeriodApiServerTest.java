package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.Drain;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DrainFitsGracePeriod on a real API server with the real operator and real backend Pods (not
 * scheduled: no scheduler runs on this level, and only their spec is read). One namespace per test.
 */
class DrainGracePeriodApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final String CONDITION = "DrainFitsGracePeriod";

  private final KubernetesClient client = K8S.client();
  private TestCluster cluster;
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @BeforeEach
  void start() {
    cluster = TestCluster.inNewNamespace(client, K8S.namespace());
    operator.start(client, cluster.operatorSettings().build());
    cluster.createService("web");
  }

  @AfterEach
  void stop() {
    operator.stop();
    cluster.deleteNamespace();
  }

  @Test
  void warnsOnceWhenPodsAreKilledBeforeTheirDrainEnds() {
    cluster.createBackendPods("web", 3, 30L);
    cluster.writeSlice("web", 3);
    cluster.createPool(pool("300s"));

    assertThat(awaitCondition("False", "TerminationGraceTooShort").getMessage())
        .startsWith("3 backend pods have terminationGracePeriodSeconds 30 < drainTimeout 300s");
    long version = cluster.routesVersion("web");
    // Another reconcile: one pod starts draining. The condition stays False, no second Warning.
    cluster.writeSlice("web", "web-abc", 0, 3, 8080,
        e -> e.build().getTargetRef().getName().equals("web-2") ? TestCluster.terminating(e) : e);
    await().atMost(WAIT).until(() -> cluster.routesVersion("web") > version);

    assertThat(graceWarnings()).singleElement().satisfies(e -> {
      assertThat(e.getType()).isEqualTo("Warning");
      assertThat(e.getMessage()).contains("web-0, web-1, web-2");
    });
  }

  @Test
  void fitsWhenTheGraceCoversTheDrainTimeout() {
    cluster.createBackendPods("web", 2, 600L);
    cluster.writeSlice("web", 2);
    cluster.createPool(pool("300s"));

    awaitCondition("True", "GracePeriodSufficient");
    assertThat(graceWarnings()).isEmpty();
  }

  @Test
  void isUnknownWhileNoBackendPodCanBeRead() {
    cluster.writeSlice("web", 2);
    cluster.createPool(pool("300s"));

    awaitCondition("Unknown", "BackendPodsUnread");
  }

  private Condition awaitCondition(String status, String reason) {
    return await().atMost(WAIT).until(() -> cluster.condition("web", CONDITION).orElse(null),
        c -> c != null && status.equals(c.getStatus()) && reason.equals(c.getReason()));
  }

  private StickyPool pool(String drainTimeout) {
    StickyPool pool = cluster.samplePool("pool-cookie.yaml");
    pool.getSpec().setDrain(new Drain());
    pool.getSpec().getDrain().setDrainTimeout(drainTimeout);
    return pool;
  }

  private java.util.List<Event> graceWarnings() {
    return cluster.events().stream()
        .filter(e -> "TerminationGraceTooShort".equals(e.getReason())).toList();
  }
}
