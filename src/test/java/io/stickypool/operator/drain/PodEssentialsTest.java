package io.stickypool.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class PodEssentialsTest {
  private final Pod pod = new PodBuilder().withNewMetadata().withName("web-0").withNamespace("shop").withUid("u-1")
      .withResourceVersion("42").withDeletionTimestamp("2026-01-01T00:00:00Z")
      .addToLabels("app", "web").addToAnnotations(PodDeletionCosts.COST_ANNOTATION, "7")
      .addToAnnotations(PodDeletionCosts.OWNER_ANNOTATION, "web").addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{...}")
      .endMetadata()
      .withNewSpec().withTerminationGracePeriodSeconds(600L).withNodeName("node-1")
      .addNewContainer().withName("app").withImage("web:1").endContainer().endSpec()
      .withNewStatus().withPhase("Running").withPodIP("10.0.0.1").endStatus().build();

  @Test
  void keepsOnlyWhatTheDrainPackageReads() {
    Pod kept = PodEssentials.essentials(pod);

    assertThat(kept.getMetadata().getName()).isEqualTo("web-0");
    assertThat(kept.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(kept.getMetadata().getUid()).isEqualTo("u-1");
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(kept.getMetadata().getDeletionTimestamp()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(kept.getMetadata().getAnnotations()).containsOnlyKeys(
        PodDeletionCosts.COST_ANNOTATION, PodDeletionCosts.OWNER_ANNOTATION);
    assertThat(kept.getMetadata().getLabels()).isNullOrEmpty();
    assertThat(kept.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(600L);
    assertThat(kept.getSpec().getContainers()).isNullOrEmpty();
    assertThat(kept.getSpec().getNodeName()).isNull();
    assertThat(kept.getStatus()).isNull();
  }
}
