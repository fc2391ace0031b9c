package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.ProxyPodTemplate;
import io.stickypool.api.v1alpha1.StickyPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spec.proxy.podTemplate on the proxy Deployment's pods, from the valid pool that sets every field. */
class ProxyPodTemplateModelTest {
  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final PoolIdentity POOL = new PoolIdentity("web", "shop", "uid-1", 1L);
  private static final Map<String, String> SELECTOR = Map.of(
      "app.kubernetes.io/name", "stickypool-proxy", "app.kubernetes.io/instance", "web");

  @Test
  void spreadsOverNodesAndZonesAsPreferencesByDefault() {
    PodTemplateSpec pod = render(null);

    assertThat(pod.getSpec().getTopologySpreadConstraints())
        .extracting(c -> c.getTopologyKey() + " " + c.getMaxSkew() + " " + c.getWhenUnsatisfiable())
        .containsExactly("kubernetes.io/hostname 1 ScheduleAnyway");
    assertThat(pod.getSpec().getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .as("zones by anti-affinity: a zone constraint would switch node spreading off where nodes have no zone")
        .singleElement().satisfies(term -> {
          assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
          assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels())
              .containsExactlyInAnyOrderEntriesOf(SELECTOR);
        });
    assertThat(pod.getSpec().getTopologySpreadConstraints())
        .allSatisfy(c -> assertThat(c.getLabelSelector().getMatchLabels()).containsExactlyInAnyOrderEntriesOf(SELECTOR));
    assertThat(pod.getSpec().getNodeSelector()).isNullOrEmpty();
    assertThat(pod.getSpec().getSecurityContext()).as("the container carries the restricted settings").isNull();
  }

  @Test
  void appliesEveryFieldOfTheUsersPodTemplate() {
    ProxyPodTemplate user = validPool().getSpec().getProxy().getPodTemplate();
    PodTemplateSpec pod = render(user);

    assertThat(pod.getMetadata().getLabels()).containsEntry("team", "shop").containsAllEntriesOf(SELECTOR)
        .containsEntry("app.kubernetes.io/managed-by", "stickypool-operator");
    assertThat(pod.getMetadata().getAnnotations()).containsExactly(Map.entry("prometheus.io/scrape", "true"));
    assertThat(pod.getSpec().getNodeSelector()).containsExactly(Map.entry("node-role.example.com/edge", "true"));
    assertThat(pod.getSpec().getTolerations()).singleElement()
        .satisfies(t -> assertThat(t.getKey() + "=" + t.getValue() + ":" + t.getEffect()).isEqualTo("dedicated=edge:NoSchedule"));
    assertThat(pod.getSpec().getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .hasSize(1);
    assertThat(pod.getSpec().getAffinity().getPodAntiAffinity()).as("the user's affinity replaces the default").isNull();
    assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("edge-critical");
    assertThat(pod.getSpec().getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("registry-credentials");
    assertThat(pod.getSpec().getTopologySpreadConstraints()).as("the user's replaces the default").singleElement()
        .satisfies(c -> {
          assertThat(c.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
          assertThat(c.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
          assertThat(c.getLabelSelector().getMatchLabels()).as("filled in: it had none")
              .containsExactlyInAnyOrderEntriesOf(SELECTOR);
        });
  }

  @Test
  void aUsersSecurityContextOnlyChoosesAmongRestrictedSettings() {
    PodTemplateSpec pod = render(validPool().getSpec().getProxy().getPodTemplate());
    var podContext = pod.getSpec().getSecurityContext();
    Container proxy = pod.getSpec().getContainers().get(0);

    assertThat(podContext.getRunAsNonRoot()).isTrue();
    assertThat(podContext.getRunAsUser()).isEqualTo(1000650000L);
    assertThat(podContext.getFsGroup()).isEqualTo(1000650000L);
    assertThat(podContext.getSupplementalGroups()).containsExactly(4000L);
    assertThat(proxy.getSecurityContext().getRunAsUser()).as("the pod's user applies").isNull();
    assertThat(proxy.getSecurityContext().getSeccompProfile()).as("the pod's profile applies").isNull();
    assertThat(proxy.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(proxy.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(proxy.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(proxy.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void operatorLabelsWinOverTheUsersEvenPastTheSchema() {
    ProxyPodTemplate user = new ProxyPodTemplate();
    user.setLabels(Map.of("app.kubernetes.io/instance", "other", "stickypool.io/pool", "other"));

    assertThat(render(user).getMetadata().getLabels()).containsEntry("app.kubernetes.io/instance", "web")
        .containsEntry("stickypool.io/pool", "web");
  }

  @Test
  void anEmptySpreadListSpreadsNothing() {
    ProxyPodTemplate user = new ProxyPodTemplate();
    user.setTopologySpreadConstraints(List.of());

    assertThat(render(user).getSpec().getTopologySpreadConstraints()).isNullOrEmpty();
  }

  @Test
  void keepsAUsersOwnLabelSelector() {
    TopologySpreadConstraint own = new TopologySpreadConstraintBuilder().withMaxSkew(2)
        .withTopologyKey("rack").withWhenUnsatisfiable("ScheduleAnyway")
        .withNewLabelSelector().withMatchLabels(Map.of("team", "shop")).endLabelSelector().build();

    assertThat(ProxyPodTemplateModel.spread(POOL, List.of(own))).containsExactly(own);
  }

  private static PodTemplateSpec render(ProxyPodTemplate user) {
    EffectiveProxy proxy = new EffectiveProxy(2, 8080, io.stickypool.api.v1alpha1.ServiceType.ClusterIP, "img:1", null);
    PodTemplateSpec template = ProxyDeploymentModel.desired(POOL, proxy).getSpec().getTemplate();
    ProxyPodTemplateModel.apply(POOL, user, template);
    return template;
  }

  private static StickyPool validPool() {
    try {
      return YAML.unmarshal(Files.readString(
          Path.of("src/test/resources/valid-pools/proxy-pod-template-and-disruption.yaml")), StickyPool.class);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
