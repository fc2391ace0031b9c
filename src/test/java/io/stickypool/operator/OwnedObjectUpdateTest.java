package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;

class OwnedObjectUpdateTest {
  private static Deployment deployment(Integer replicas, String image) {
    return new DeploymentBuilder().withNewMetadata().withName("web-proxy").withResourceVersion("7")
        .addToLabels("team", "shop").endMetadata()
        .withNewSpec().withReplicas(replicas).withNewTemplate().withNewSpec().addNewContainer()
        .withName("proxy").withImage(image).endContainer().endSpec().endTemplate().endSpec()
        .build();
  }

  @Test
  void keepsTheScaledReplicasWhenDesiredLeavesThemUnset() {
    Deployment merged = OwnedObjectUpdate.mergedOnto(deployment(5, "old"), deployment(null, "new"));
    assertThat(merged.getSpec().getReplicas()).isEqualTo(5);
    assertThat(merged.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("new");
    assertThat(merged.getMetadata().getResourceVersion()).isEqualTo("7");
  }

  @Test
  void writesReplicasDesiredSets() {
    assertThat(OwnedObjectUpdate.mergedOnto(deployment(5, "old"), deployment(3, "old")).getSpec().getReplicas())
        .isEqualTo(3);
  }
}
