package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every change to a pool is reconciled by its own event, never only by the next periodic round: the
 * operator here reconciles periodically once an hour, and users edit and delete pools while their
 * reconciles are running. A change whose watch event reaches the operator just after the operator's
 * own status write used to be dropped (JOSDK discarded events older than its own last write) and
 * waited for the periodic round.
 */
class PoolChangesAreNeverLostApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final int POOLS = 12;

  private final KubernetesClient client = K8S.client();
  private final TestCluster cluster = new TestCluster(client, K8S.namespace());
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @BeforeEach
  void start() {
    cluster.createService("web");
    cluster.writeSlice("web", 2);
    operator.start(client, cluster.operatorSettings().sessionRefresh(Duration.ofHours(1)).build());
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void editsAndDeletionsMadeWhileReconcilesRunAreAllReconciled() {
    List<String> names = IntStream.range(0, POOLS).mapToObj(i -> "web-" + i).toList();
    for (String name : names) {
      StickyPool pool = cluster.samplePool("pool-cookie.yaml");
      pool.getMetadata().setName(name);
      cluster.createPool(pool);
      // At once, while the pool's first reconcile runs: a spec change, as kubectl patch makes it.
      client.resources(StickyPool.class).inNamespace(cluster.namespace()).withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": {\"drain\": {\"drainTimeout\": \"45s\"}}}");
    }
    await().atMost(WAIT).untilAsserted(() -> assertThat(names).allSatisfy(name -> {
      StickyPool p = cluster.pool(name);
      assertThat(p.getStatus()).as(name).isNotNull();
      assertThat(p.getStatus().getObservedGeneration()).as(name + " observed generation")
          .isEqualTo(p.getMetadata().getGeneration());
    }));

    for (String name : names) {
      // Another edit, then the deletion right behind it.
      client.resources(StickyPool.class).inNamespace(cluster.namespace()).withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\": {\"drain\": {\"drainTimeout\": \"50s\"}}}");
      client.resources(StickyPool.class).inNamespace(cluster.namespace()).withName(name).delete();
    }
    await().atMost(WAIT).untilAsserted(() -> assertThat(names)
        .as("pools still there (finalizer not removed)").allSatisfy(name -> assertThat(cluster.pool(name)).isNull()));
  }
}
