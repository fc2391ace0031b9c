package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.testing.cluster.ControlPlane;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a pool on a full control plane, where the controller-manager's garbage collector
 * follows ownerReferences: everything the pool owned goes, down to the proxy Deployment's
 * ReplicaSet and Pods and the EndpointSlices of the proxy Services, and the user's objects stay.
 * Once with the operator running (its finalizer cleanup deletes what the pool owns directly, the
 * GC the rest), once with no operator at all (the ownerReferences alone, after an admin drops the
 * finalizer). One namespace per test.
 */
class PoolGarbageCollectionClusterTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.cluster();
  private static final Duration WAIT = Duration.ofSeconds(60);
  /**
   * KWOK removes a deleted pod at a random moment within its grace period (the proxy's is 45 s),
   * and the GC notices a newly installed CRD's objects only at its periodic discovery resync.
   */
  private static final Duration GONE = Duration.ofSeconds(120);
  private static final Set<String> PROXY_SERVICES = Set.of("web-proxy", "web-proxy-admin");

  private final KubernetesClient client = K8S.client();
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private TestCluster cluster;
  private String ns;

  @BeforeEach
  void start() {
    cluster = TestCluster.inNewNamespace(client, K8S.namespace());
    ns = cluster.namespace();
    // KWOK's pods have made-up 10.244.x.x IPs that no test may send traffic to: ask no proxy for sessions.
    operator.start(client, cluster.operatorSettings().adminTargets(pod -> Optional.empty()).build());
    cluster.createService("web");
    cluster.writeSlice("web", 2);
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
  }

  @AfterEach
  void stop() {
    operator.stop();
    cluster.deleteNamespace();
  }

  @Test
  void deletingThePoolRemovesEverythingItOwnedDownToTheProxyPods() {
    List<String> tree = awaitProxyRolledOut();

    client.resources(StickyPool.class).inNamespace(ns).withName("web").delete();

    await().atMost(GONE).untilAsserted(() -> {
      assertThat(cluster.pool("web")).as("pool").isNull();
      assertThat(ownedTree()).as("what the pool owned, was %s", tree).isEmpty();
    });
    assertUsersObjectsStay();
  }

  @Test
  void ownerReferencesAloneRemoveTheProxyWhenNoOperatorRuns() {
    List<String> tree = awaitProxyRolledOut();
    operator.stop();

    client.resources(StickyPool.class).inNamespace(ns).withName("web").delete();
    // The operator's finalizer holds the pool while no operator runs, and so the GC waits too.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(cluster.pool("web").getMetadata().getDeletionTimestamp()).isNotNull();
      assertThat(ownedTree()).containsExactlyInAnyOrderElementsOf(tree);
    });
    // What an admin does for a pool stuck that way: drop the finalizer.
    client.resources(StickyPool.class).inNamespace(ns).withName("web")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\": {\"finalizers\": null}}");

    await().atMost(GONE).untilAsserted(() -> {
      assertThat(cluster.pool("web")).as("pool").isNull();
      assertThat(ownedTree()).as("what the pool owned, was %s", tree).isEmpty();
    });
    assertUsersObjectsStay();
  }

  /** Waits for a real rollout (2/2 proxy pods ready, as the pool's status reports it); returns the tree. */
  private List<String> awaitProxyRolledOut() {
    await().atMost(WAIT).untilAsserted(() -> assertThat(readyProxies())
        .as("ready proxy replicas; %s", rollout()).isEqualTo(2));
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition("web", "ProxyAvailable"))
        .hasValueSatisfying(c -> {
          assertThat(c.getStatus()).isEqualTo("True");
          assertThat(c.getMessage()).isEqualTo("2/2 proxy replicas ready");
        }));
    await().atMost(WAIT).untilAsserted(() -> assertThat(ownedTree())
        .as("owned objects, the ReplicaSet, 2 pods and a slice of each proxy Service")
        .hasSize(cluster.owned("web").size() + 1 + 2 + 2)
        .anyMatch(n -> n.startsWith("ReplicaSet "))
        .anyMatch(n -> n.startsWith("Pod ")));
    return ownedTree();
  }

  private int readyProxies() {
    var d = client.apps().deployments().inNamespace(ns).withName("web-proxy").get();
    Integer ready = d == null || d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
    return ready == null ? 0 : ready;
  }

  /** The proxy Deployment's status, its pods' phases, the node's taints and the Events, for a failure message. */
  private String rollout() {
    var d = client.apps().deployments().inNamespace(ns).withName("web-proxy").get();
    return "deployment status " + (d == null ? null : d.getStatus()) + "; pods "
        + client.pods().inNamespace(ns).list().getItems().stream().map(p -> p.getMetadata().getName() + " on "
            + p.getSpec().getNodeName() + " " + p.getStatus().getPhase() + " " + p.getStatus().getConditions()).toList()
        + "; node taints " + client.nodes().withName(ControlPlane.NODE).get().getSpec().getTaints()
        + "; events " + client.v1().events().inNamespace(ns).list().getItems().stream()
            .map(e -> e.getReason() + ": " + e.getMessage()).toList();
  }

  /**
   * Every object that hangs off the pool by ownerReferences: what it owns directly, the proxy
   * Deployment's ReplicaSets and their Pods, and the EndpointSlices of the proxy Services (made
   * by the EndpointSlice controller, owned by the Services).
   */
  private List<String> ownedTree() {
    List<HasMetadata> all = new ArrayList<>(cluster.owned("web").stream().filter(Objects::nonNull).toList());
    var sets = client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
        .filter(rs -> ownedBy(rs, "Deployment", "web-proxy")).toList();
    all.addAll(sets);
    // By name, not through the ReplicaSets listed above: with background deletion the GC removes
    // a ReplicaSet before its Pods, which must still count while they exist.
    all.addAll(client.pods().inNamespace(ns).list().getItems().stream()
        .filter(p -> p.getMetadata().getOwnerReferences().stream().anyMatch(r -> "ReplicaSet".equals(r.getKind())
            && r.getName().startsWith("web-proxy-"))).toList());
    all.addAll(client.discovery().v1().endpointSlices().inNamespace(ns).list().getItems().stream()
        .filter(s -> PROXY_SERVICES.stream().anyMatch(svc -> ownedBy(s, "Service", svc))).toList());
    return all.stream().map(PoolGarbageCollectionClusterTest::name).toList();
  }

  private void assertUsersObjectsStay() {
    assertThat(client.services().inNamespace(ns).withName("web").get()).as("the user's Service").isNotNull();
    assertThat(client.discovery().v1().endpointSlices().inNamespace(ns).withName("web-abc").get())
        .as("the user's EndpointSlice").isNotNull();
  }

  private static boolean ownedBy(HasMetadata object, String kind, String name) {
    return object.getMetadata().getOwnerReferences().stream()
        .anyMatch(r -> kind.equals(r.getKind()) && name.equals(r.getName()));
  }

  private static String name(HasMetadata object) {
    return object == null ? "null" : object.getKind() + " " + object.getMetadata().getName();
  }
}
