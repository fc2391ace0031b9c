package io.stickypool.operator.caches;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.stickypool.operator.model.PoolIdentity;
import org.junit.jupiter.api.Test;

class SidecarPodsTest {
  private static Pod frontendPod(String... proxyArgs) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName("frontend-a").withNamespace("shop")
        .addToLabels("app", "frontend").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("frontend:1").endContainer().endSpec()
        .withNewStatus().withPodIP("10.8.0.1")
            .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
            .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .endStatus();
    if (proxyArgs.length > 0) {
      pod.editSpec().addNewInitContainer().withName("stickypool-proxy").withImage("stickypool:1")
          .withRestartPolicy("Always").withArgs(proxyArgs).endInitContainer().endSpec();
    }
    return pod.build();
  }

  @Test
  void aPodRunningTheSidecarNamesThePoolsRoutes() {
    assertThat(SidecarPods.routesName(frontendPod("proxy", "--config-map", "web-routes"))).contains("web-routes");
    assertThat(SidecarPods.routesName(frontendPod())).isEmpty();
    assertThat(SidecarPods.routesName(frontendPod("proxy", "--config-map"))).as("flag without a value").isEmpty();
  }

  @Test
  void aPoolsOwnProxyPodIsNotASidecar() {
    Pod proxy = frontendPod("proxy", "--config-map", "web-routes");
    proxy.getMetadata().getLabels().put("app.kubernetes.io/managed-by", PoolIdentity.MANAGED_BY);

    assertThat(SidecarPods.routesName(proxy)).isEmpty();
  }

  @Test
  void theCacheKeepsWhatASessionRoundReadsOfASidecarPod() {
    Pod kept = SidecarPods.essentials(frontendPod("proxy", "--config-map", "web-routes"));

    assertThat(SidecarPods.routesName(kept)).as("still found in the cache's index").contains("web-routes");
    assertThat(kept.getSpec().getContainers()).extracting(Container::getImage).containsExactly((String) null);
    assertThat(kept.getSpec().getInitContainers()).isNullOrEmpty();
    assertThat(kept.getStatus().getPodIP()).isEqualTo("10.8.0.1");
    assertThat(kept.getStatus().getConditions()).singleElement()
        .satisfies(c -> assertThat(c.getType()).isEqualTo("Ready"));
    assertThat(kept.getMetadata().getLabels()).isNullOrEmpty();
  }

  @Test
  void anyOtherPodKeepsOnlyTheDrainEssentials() {
    Pod kept = SidecarPods.essentials(frontendPod());

    assertThat(kept.getSpec().getContainers()).isNullOrEmpty();
    assertThat(kept.getStatus()).isNull();
  }
}
