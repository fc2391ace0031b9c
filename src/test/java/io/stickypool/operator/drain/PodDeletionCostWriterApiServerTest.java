package io.stickypool.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.DrainPhase;
import io.stickypool.operator.drain.SharedBackends.PoolView;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The writer against a real API server's Pods (JSON merge patches, guarded JSON patches). The pods
 * are read as the operator's cache holds them, pruned; here by a GET each, since no informer runs.
 */
class PodDeletionCostWriterApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final String COST = PodDeletionCosts.COST_ANNOTATION;
  private static final String OWNER = PodDeletionCosts.OWNER_ANNOTATION;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Set<BackendId> PODS = Set.of(BackendId.of("web-0"), BackendId.of("web-1"), BackendId.of("web-2"));

  private final KubernetesClient client = K8S.client();
  private final String ns = K8S.namespace();
  private final SharedBackends shared = new SharedBackends();
  private final PodDeletionCostWriter writer = new PodDeletionCostWriter(client, shared, Duration.ofSeconds(30));
  private final BackendPods cache = (namespace, name) ->
      Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get()).map(PodEssentials::essentials);

  @BeforeEach
  void pods() {
    for (int i = 0; i < 3; i++) {
      client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("web-" + i)
          .addToLabels("app", "web").endMetadata()
          .withNewSpec().addNewContainer().withName("app").withImage("web:1").endContainer().endSpec()
          .build()).create();
    }
  }

  /** The namespace outlives each test; pods on no node are deleted at once, without a kubelet. */
  @AfterEach
  void removePods() {
    client.pods().inNamespace(ns).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.pods().inNamespace(ns).list().getItems().isEmpty());
  }

  @Test
  void setsEachPodsSessionCountAndNamesThePool() {
    pool("web", true, sessions(5, 0, 12));

    writer.update(ns, PODS, Map.of(), cache, T0).applied();

    assertThat(annotations("web-0")).containsEntry(COST, "5").containsEntry(OWNER, "web");
    assertThat(annotations("web-1")).containsEntry(COST, "0");
    assertThat(annotations("web-2")).containsEntry(COST, "12");
    assertThat(pod("web-0").getMetadata().getLabels()).containsEntry("app", "web");
  }

  @Test
  void sumsTheSessionsOfEveryPoolOnAPod() {
    pool("web", true, sessions(5, 0, 12));
    pool("slow", true, sessions(2, 7, 0));

    writer.update(ns, PODS, Map.of(), cache, T0).applied();
    var again = writer.update(ns, PODS, Map.of(), cache, T0.plusSeconds(1)).applied();

    assertThat(annotations("web-0")).containsEntry(COST, "7").containsEntry(OWNER, "slow,web");
    assertThat(annotations("web-1")).containsEntry(COST, "7");
    assertThat(annotations("web-2")).containsEntry(COST, "12");
    assertThat(again).as("the other pool's round finds the sums written").isEmpty();
  }

  @Test
  void waitsWhileOnePoolsCountIsUnknown() {
    pool("web", true, sessions(5, 0, 12));
    pool("slow", true, Map.of());

    assertThat(writer.update(ns, PODS, Map.of(), cache, T0).applied()).isEmpty();
    assertThat(annotations("web-0")).doesNotContainKeys(COST, OWNER);
  }

  @Test
  void patchesAPodAtMostOncePerInterval() {
    pool("web", true, sessions(5, 0, 12));
    writer.update(ns, PODS, Map.of(), cache, T0).applied();
    pool("web", true, sessions(6, 1, 13));

    var held = writer.update(ns, PODS, Map.of(), cache, T0.plusSeconds(29));
    assertThat(held.applied()).isEmpty();
    assertThat(held.heldBackUntil()).as("when the reconcile should come back").contains(T0.plusSeconds(30));
    assertThat(annotations("web-0")).containsEntry(COST, "5");

    assertThat(writer.update(ns, PODS, Map.of(), cache, T0.plusSeconds(30)).applied()).hasSize(3);
    assertThat(annotations("web-0")).containsEntry(COST, "6");
  }

  @Test
  void leavesUnchangedValuesUnwritten() {
    pool("web", true, sessions(5, 0, 12));
    writer.update(ns, PODS, Map.of(), cache, T0).applied();
    String before = pod("web-0").getMetadata().getResourceVersion();
    pool("web", true, sessions(5, 0, 99));

    var applied = writer.update(ns, PODS, Map.of(), cache, T0.plusSeconds(60)).applied();

    assertThat(applied).extracting(PodDeletionCosts.Patch::pod).containsExactly("web-2");
    assertThat(pod("web-0").getMetadata().getResourceVersion()).isEqualTo(before);
  }

  @Test
  void turningTheOptionOffRemovesOnlyTheCostItWrote() {
    pool("web", true, Map.of(BackendId.of("web-0"), 4L));
    writer.update(ns, PODS, Map.of(), cache, T0).applied();
    client.pods().inNamespace(ns).withName("web-1")
        .edit(p -> new PodBuilder(p).editMetadata().addToAnnotations(COST, "100").endMetadata().build());

    pool("web", false, sessions(4, 0, 0));
    writer.update(ns, PODS, Map.of(), cache, T0.plusSeconds(1)).applied();

    assertThat(annotations("web-0")).doesNotContainKeys(COST, OWNER);
    assertThat(annotations("web-1")).as("the user's own cost").containsEntry(COST, "100");
    assertThat(annotations("web-2")).doesNotContainKeys(COST, OWNER);
  }

  @Test
  void skipsAPodThatVanished() {
    client.pods().inNamespace(ns).withName("web-1").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> pod("web-1") == null);
    pool("web", true, sessions(5, 3, 12));

    var applied = writer.update(ns, PODS, Map.of(), cache, T0).applied();

    assertThat(applied).extracting(PodDeletionCosts.Patch::pod).containsExactly("web-0", "web-2");
    assertThat(annotations("web-2")).containsEntry(COST, "12");
  }

  @Test
  void forgetsPodsThatLeftEveryPool() {
    pool("web", true, sessions(5, 3, 12));
    writer.update(ns, PODS, Map.of(), cache, T0).applied();
    assertThat(writer.remembered()).isEqualTo(3);

    Map<BackendId, Long> two = sessions(5, 3);
    pool("web", true, two);
    writer.update(ns, two.keySet(), Map.of(), cache, T0.plusSeconds(1));

    assertThat(writer.remembered()).isEqualTo(2);
  }

  /** Records pool {@code name} routing to exactly the pods of {@code counts} (or all three when empty). */
  private void pool(String name, boolean podDeletionCost, Map<BackendId, Long> counts) {
    Map<BackendId, DrainPhase> phases = new TreeMap<>();
    (counts.isEmpty() ? PODS : counts.keySet()).forEach(id -> phases.put(id, DrainPhase.ACTIVE));
    shared.record(ns, "uid-" + name, new PoolView(name, phases, counts, podDeletionCost));
  }

  private static Map<BackendId, Long> sessions(long... counts) {
    Map<BackendId, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < counts.length; i++) {
      out.put(BackendId.of("web-" + i), counts[i]);
    }
    return out;
  }

  private Pod pod(String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  private Map<String, String> annotations(String name) {
    Map<String, String> a = pod(name).getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }
}
