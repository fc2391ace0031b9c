package io.stickypool.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.Drain;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.StickyPoolSpec;
import io.stickypool.core.backend.BackendId;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The writer against a real API server's Pods (JSON merge patches, guarded JSON patches). */
class PodDeletionCostWriterApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final String COST = PodDeletionCosts.COST_ANNOTATION;
  private static final String OWNER = PodDeletionCosts.OWNER_ANNOTATION;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final KubernetesClient client = K8S.client();
  private final String ns = K8S.namespace();
  private final PodDeletionCostWriter writer = new PodDeletionCostWriter(client, Duration.ofSeconds(30));
  private final StickyPool pool = pool(true);

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
  void setsEachPodsSessionCountAndClaimsIt() {
    writer.update(pool, sessions(5, 0, 12), T0);

    assertThat(annotations("web-0")).containsEntry(COST, "5").containsEntry(OWNER, "web");
    assertThat(annotations("web-1")).containsEntry(COST, "0");
    assertThat(annotations("web-2")).containsEntry(COST, "12");
    assertThat(pod("web-0").getMetadata().getLabels()).containsEntry("app", "web");
  }

  @Test
  void patchesAPodAtMostOncePerInterval() {
    writer.update(pool, sessions(5, 0, 12), T0);

    assertThat(writer.update(pool, sessions(6, 1, 13), T0.plusSeconds(29))).isEmpty();
    assertThat(annotations("web-0")).containsEntry(COST, "5");

    assertThat(writer.update(pool, sessions(6, 1, 13), T0.plusSeconds(30))).hasSize(3);
    assertThat(annotations("web-0")).containsEntry(COST, "6");
  }

  @Test
  void leavesUnchangedValuesUnwritten() {
    writer.update(pool, sessions(5, 0, 12), T0);
    String before = pod("web-0").getMetadata().getResourceVersion();

    var applied = writer.update(pool, sessions(5, 0, 99), T0.plusSeconds(60));

    assertThat(applied).extracting(PodDeletionCosts.Patch::pod).containsExactly("web-2");
    assertThat(pod("web-0").getMetadata().getResourceVersion()).isEqualTo(before);
  }

  @Test
  void leavesPodsWithoutAKnownCountUntouched() {
    Map<BackendId, Long> some = Map.of(BackendId.of("web-0"), 4L);

    writer.update(pool, some, T0);

    assertThat(annotations("web-0")).containsEntry(COST, "4");
    assertThat(annotations("web-1")).doesNotContainKeys(COST, OWNER);
  }

  @Test
  void turningTheOptionOffRemovesOnlyTheCostItWrote() {
    writer.update(pool, Map.of(BackendId.of("web-0"), 4L), T0);
    client.pods().inNamespace(ns).withName("web-1")
        .edit(p -> new PodBuilder(p).editMetadata().addToAnnotations(COST, "100").endMetadata().build());

    writer.update(pool(false), sessions(4, 0, 0), T0.plusSeconds(1));

    assertThat(annotations("web-0")).doesNotContainKeys(COST, OWNER);
    assertThat(annotations("web-1")).as("the user's own cost").containsEntry(COST, "100");
    assertThat(annotations("web-2")).doesNotContainKeys(COST, OWNER);
  }

  @Test
  void skipsAPodThatVanished() {
    client.pods().inNamespace(ns).withName("web-1").delete();

    var applied = writer.update(pool, sessions(5, 3, 12), T0);

    assertThat(applied).extracting(PodDeletionCosts.Patch::pod).containsExactly("web-0", "web-2");
    assertThat(annotations("web-2")).containsEntry(COST, "12");
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

  private StickyPool pool(boolean podDeletionCost) {
    StickyPool p = new StickyPool();
    p.getMetadata().setName("web");
    p.getMetadata().setNamespace(ns);
    p.getMetadata().setUid("0b7e5c1e-0000-4000-8000-000000000001");
    p.setSpec(new StickyPoolSpec());
    p.getSpec().setDrain(new Drain());
    p.getSpec().getDrain().setPodDeletionCost(podDeletionCost);
    return p;
  }
}
