package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.ServiceType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inject and remove are pure and exact inverses: removal gives back, byte for byte in serialized
 * form, the workload as the user last wrote it.
 */
class SidecarInjectionTest {
  private static final KubernetesSerialization SERIAL = new KubernetesSerialization();
  private static final String IMAGE = "ghcr.io/stickypool/stickypool:0.1.0";
  private static final PoolIdentity POOL = new PoolIdentity("web", "shop", "uid-1", 3L);
  private static final SidecarModel.Sidecar NATIVE = sidecar(IMAGE, 8080, true);
  private static final SidecarModel.Sidecar REGULAR = sidecar(IMAGE, 8080, false);
  private static final List<String> SIDECAR_VOLUMES = List.of(
      SidecarModel.KEYS_VOLUME, SidecarModel.TMP_VOLUME, SidecarModel.API_VOLUME);

  @Test
  void nativeSidecarGoesFirstAmongInitContainersWithRestartAlways() {
    Deployment injected = (Deployment) SidecarInjection.inject(userDeployment(), POOL, NATIVE);

    PodSpec pod = podSpec(injected);
    assertThat(pod.getInitContainers()).extracting(Container::getName)
        .containsExactly(SidecarModel.CONTAINER, "migrate");
    assertThat(pod.getInitContainers().get(0).getRestartPolicy()).isEqualTo("Always");
    assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("app");
    assertThat(SidecarInjection.container(injected, true)).contains(NATIVE.container());
    assertThat(SidecarInjection.container(injected, false)).isEmpty();
  }

  @Test
  void regularSidecarIsAppendedToContainersWithoutRestartPolicy() {
    Deployment injected = (Deployment) SidecarInjection.inject(userDeployment(), POOL, REGULAR);

    PodSpec pod = podSpec(injected);
    assertThat(pod.getContainers()).extracting(Container::getName)
        .containsExactly("app", SidecarModel.CONTAINER);
    assertThat(pod.getContainers().get(1).getRestartPolicy()).isNull();
    assertThat(pod.getInitContainers()).extracting(Container::getName).containsExactly("migrate");
    assertThat(SidecarInjection.container(injected, false)).contains(REGULAR.container());
  }

  @Test
  void appendsSidecarVolumesAfterTheUsersAndKeepsUserAnnotations() {
    Deployment injected = (Deployment) SidecarInjection.inject(userDeployment(), POOL, NATIVE);

    assertThat(podSpec(injected).getVolumes()).extracting(Volume::getName)
        .containsExactly("data", "config", SidecarModel.KEYS_VOLUME, SidecarModel.TMP_VOLUME,
            SidecarModel.API_VOLUME);
    assertThat(SidecarInjection.volume(injected, SidecarModel.KEYS_VOLUME).orElseThrow()
        .getSecret().getSecretName()).isEqualTo("web-keys");
    assertThat(injected.getMetadata().getAnnotations())
        .containsEntry("team", "shop")
        .containsKey(SidecarInjection.ANNOTATION)
        .hasSize(2);
    assertThat(injected.getSpec().getTemplate().getMetadata().getAnnotations())
        .as("recording the sidecar on the workload, not the template, rolls no pods by itself")
        .doesNotContainKey(SidecarInjection.ANNOTATION);
  }

  @Test
  void annotationRecordsPoolGenerationContainerVolumesAndMode() throws Exception {
    HasMetadata injected = SidecarInjection.inject(userDeployment(), POOL, NATIVE);

    JsonNode json = new ObjectMapper().readTree(
        injected.getMetadata().getAnnotations().get(SidecarInjection.ANNOTATION));
    assertThat(json.get("pool").asText()).isEqualTo("web");
    assertThat(json.get("generation").asLong()).isEqualTo(3L);
    assertThat(json.get("container").asText()).isEqualTo(SidecarModel.CONTAINER);
    assertThat(json.get("volumes")).extracting(JsonNode::asText)
        .containsExactlyElementsOf(SIDECAR_VOLUMES);
    assertThat(json.get("nativeSidecar").asBoolean()).isTrue();
    assertThat(SidecarInjection.record(injected)).contains(new SidecarInjection.Record(
        "web", 3L, SidecarModel.CONTAINER, SIDECAR_VOLUMES, true));
    assertThat(SidecarInjection.record(SidecarInjection.inject(userDeployment(), POOL, REGULAR))
        .orElseThrow().nativeSidecar()).isFalse();
  }

  @Test
  void leavesItsArgumentAlone() {
    Deployment original = userDeployment();
    String before = SERIAL.asJson(original);

    HasMetadata injected = SidecarInjection.inject(original, POOL, NATIVE);
    String injectedBefore = SERIAL.asJson(injected);
    SidecarInjection.remove(injected);

    assertThat(injected).isNotSameAs(original);
    assertThat(SERIAL.asJson(original)).isEqualTo(before);
    assertThat(SERIAL.asJson(injected)).as("remove leaves its argument alone too").isEqualTo(injectedBefore);
  }

  @Test
  void removeAfterInjectGivesBackABareDeploymentByteForByte() {
    Deployment bare = bareDeployment();
    assertThat(bare.getMetadata().getAnnotations()).isNullOrEmpty();

    for (SidecarModel.Sidecar sidecar : List.of(NATIVE, REGULAR)) {
      HasMetadata roundTrip = SidecarInjection.remove(SidecarInjection.inject(bare, POOL, sidecar));

      assertThat(SERIAL.asJson(roundTrip)).isEqualTo(SERIAL.asJson(bare));
      assertThat(roundTrip).as("equal as objects too: annotations null again, not {}").isEqualTo(bare);
      assertThat(SERIAL.asJson(roundTrip)).doesNotContain("annotations", "initContainers", "volumes");
    }
  }

  @Test
  void removeAfterInjectGivesBackAFullDeploymentByteForByte() {
    Deployment user = userDeployment();

    for (SidecarModel.Sidecar sidecar : List.of(NATIVE, REGULAR)) {
      HasMetadata roundTrip = SidecarInjection.remove(SidecarInjection.inject(user, POOL, sidecar));

      assertThat(SERIAL.asJson(roundTrip)).isEqualTo(SERIAL.asJson(user));
      assertThat(roundTrip).isEqualTo(user);
    }
  }

  @Test
  void removeAfterInjectGivesBackAStatefulSetByteForByte() {
    StatefulSet bare = new StatefulSetBuilder()
        .withNewMetadata().withName("db").withNamespace("shop").endMetadata()
        .withNewSpec().withServiceName("db").withReplicas(3)
            .withNewSelector().addToMatchLabels("app", "db").endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", "db").endMetadata()
                .withSpec(appPod().build()).endTemplate()
        .endSpec().build();
    StatefulSet full = new StatefulSetBuilder(bare)
        .editMetadata().addToAnnotations("team", "shop").endMetadata()
        .editSpec().editTemplate().withSpec(userPod().build()).endTemplate().endSpec().build();

    for (StatefulSet user : List.of(bare, full)) {
      for (SidecarModel.Sidecar sidecar : List.of(NATIVE, REGULAR)) {
        HasMetadata injected = SidecarInjection.inject(user, POOL, sidecar);
        assertThat(injected).isInstanceOf(StatefulSet.class);
        assertThat(SidecarInjection.container(injected, sidecar.nativeSidecar())).isPresent();

        assertThat(SERIAL.asJson(SidecarInjection.remove(injected))).isEqualTo(SERIAL.asJson(user));
      }
    }
  }

  @Test
  void reinjectingANewImageAndPortReplacesTheSidecar() {
    SidecarModel.Sidecar changed = sidecar("registry.example/stickypool:0.2.0", 8081, true);

    HasMetadata twice = SidecarInjection.inject(
        SidecarInjection.inject(userDeployment(), POOL, NATIVE), POOL, changed);

    PodSpec pod = podSpec(twice);
    assertThat(pod.getInitContainers()).extracting(Container::getName)
        .containsExactly(SidecarModel.CONTAINER, "migrate");
    Container proxy = pod.getInitContainers().get(0);
    assertThat(proxy.getImage()).isEqualTo("registry.example/stickypool:0.2.0");
    assertThat(proxy.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8081, 9901);
    assertThat(pod.getVolumes()).extracting(Volume::getName)
        .containsExactly("data", "config", SidecarModel.KEYS_VOLUME, SidecarModel.TMP_VOLUME,
            SidecarModel.API_VOLUME);
    assertThat(SERIAL.asJson(SidecarInjection.remove(twice))).isEqualTo(SERIAL.asJson(userDeployment()));
  }

  @Test
  void switchingFromNativeToRegularMovesTheSidecar() {
    HasMetadata moved = SidecarInjection.inject(
        SidecarInjection.inject(userDeployment(), POOL, NATIVE), POOL, REGULAR);

    PodSpec pod = podSpec(moved);
    assertThat(pod.getInitContainers()).extracting(Container::getName).containsExactly("migrate");
    assertThat(pod.getContainers()).extracting(Container::getName)
        .containsExactly("app", SidecarModel.CONTAINER);
    assertThat(pod.getVolumes()).extracting(Volume::getName).doesNotHaveDuplicates().hasSize(5);
    assertThat(SidecarInjection.record(moved).orElseThrow().nativeSidecar()).isFalse();
  }

  @Test
  void removeFromAWorkloadWithoutTheAnnotationIsACopy() {
    Deployment user = userDeployment();

    HasMetadata removed = SidecarInjection.remove(user);

    assertThat(removed).isNotSameAs(user).isEqualTo(user);
    assertThat(SERIAL.asJson(removed)).isEqualTo(SERIAL.asJson(user));
  }

  @Test
  void removeWithAnUnreadableRecordDropsOnlyTheAnnotation() {
    Deployment handEdited = new DeploymentBuilder(userDeployment())
        .editMetadata().addToAnnotations(SidecarInjection.ANNOTATION, "not json").endMetadata().build();

    HasMetadata removed = SidecarInjection.remove(handEdited);

    assertThat(SidecarInjection.record(handEdited)).isEmpty();
    assertThat(SERIAL.asJson(removed)).isEqualTo(SERIAL.asJson(userDeployment()));
  }

  @Test
  void reinjectingAfterTheRecordWasEditedAwayLeavesOneSidecar() {
    HasMetadata injected = SidecarInjection.inject(userDeployment(), POOL, NATIVE);
    injected.getMetadata().getAnnotations().remove(SidecarInjection.ANNOTATION);

    HasMetadata again = SidecarInjection.inject(injected, POOL, NATIVE);

    assertThat(podSpec(again).getInitContainers()).filteredOn(c -> c.getName().equals("stickypool-proxy"))
        .hasSize(1);
    assertThat(podSpec(again).getVolumes()).filteredOn(v -> v.getName().startsWith("stickypool-"))
        .hasSize(SIDECAR_VOLUMES.size());
  }

  @Test
  void userEditsMadeAfterInjectionSurviveRemoval() {
    Deployment injected = (Deployment) SidecarInjection.inject(userDeployment(), POOL, NATIVE);

    HasMetadata removed = SidecarInjection.remove(userEdit(injected));

    Deployment expected = userEdit(userDeployment());
    assertThat(SERIAL.asJson(removed)).isEqualTo(SERIAL.asJson(expected));
    Deployment back = (Deployment) removed;
    assertThat(back.getSpec().getReplicas()).isEqualTo(5);
    assertThat(podSpec(back).getContainers().get(0).getEnv()).singleElement()
        .satisfies(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("FEATURE=on"));
    assertThat(back.getMetadata().getAnnotations()).containsOnlyKeys("team", "owner");
  }

  @Test
  void reportsUserContainersDeclaringTheProxyOrAdminPort() {
    Deployment clashing = new DeploymentBuilder(userDeployment())
        .editSpec().editTemplate().editSpec()
            .editMatchingContainer(c -> "app".equals(c.getName()))
                .addNewPort().withName("web").withContainerPort(8080).endPort()
            .endContainer()
            .editMatchingInitContainer(c -> "migrate".equals(c.getName()))
                .addNewPort().withContainerPort(9901).endPort()
            .endInitContainer()
        .endSpec().endTemplate().endSpec().build();

    assertThat(SidecarInjection.portConflicts(clashing, NATIVE))
        .containsExactly("container migrate port 9901", "container app port web (8080)");
    assertThat(SidecarInjection.portConflicts(userDeployment(), NATIVE)).isEmpty();
    assertThat(SidecarInjection.portConflicts(SidecarInjection.inject(userDeployment(), POOL, NATIVE), NATIVE))
        .as("the sidecar's own ports are no conflict").isEmpty();
  }

  @Test
  void serviceAccountDefaultsToDefault() {
    Deployment named = new DeploymentBuilder(userDeployment())
        .editSpec().editTemplate().editSpec().withServiceAccountName("web-sa").endSpec().endTemplate()
        .endSpec().build();
    Deployment blank = new DeploymentBuilder(userDeployment())
        .editSpec().editTemplate().editSpec().withServiceAccountName(" ").endSpec().endTemplate()
        .endSpec().build();

    assertThat(SidecarInjection.serviceAccount(userDeployment())).isEqualTo("default");
    assertThat(SidecarInjection.serviceAccount(blank)).isEqualTo("default");
    assertThat(SidecarInjection.serviceAccount(named)).isEqualTo("web-sa");
  }

  @Test
  void refusesWorkloadsOtherThanDeploymentsAndStatefulSets() {
    var pod = new PodBuilder().withNewMetadata().withName("p").endMetadata()
        .withSpec(appPod().build()).build();

    assertThatThrownBy(() -> SidecarInjection.inject(pod, POOL, NATIVE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Pod");
    assertThatThrownBy(() -> SidecarInjection.remove(pod))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Pod");
  }

  private static Deployment userEdit(Deployment d) {
    return new DeploymentBuilder(d)
        .editMetadata().addToAnnotations("owner", "alice").endMetadata()
        .editSpec().withReplicas(5)
            .editTemplate().editSpec()
                .editMatchingContainer(c -> "app".equals(c.getName()))
                    .addNewEnv().withName("FEATURE").withValue("on").endEnv()
                .endContainer()
            .endSpec().endTemplate()
        .endSpec().build();
  }

  private static SidecarModel.Sidecar sidecar(String image, int port, boolean nativeSidecar) {
    return SidecarModel.sidecar(POOL, new EffectiveProxy(1, port, ServiceType.ClusterIP, image, null),
        nativeSidecar);
  }

  private static PodSpec podSpec(HasMetadata workload) {
    return SidecarInjection.podSpec(workload);
  }

  /** Just an app container: no annotations, init containers or volumes. */
  private static Deployment bareDeployment() {
    return deployment(appPod().build(), Map.of());
  }

  /** An app with its own init container, volumes and annotations. */
  private static Deployment userDeployment() {
    return deployment(userPod().build(), Map.of("team", "shop"));
  }

  private static Deployment deployment(PodSpec pod, Map<String, String> annotations) {
    return new DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace("shop").withGeneration(4L)
            .withAnnotations(annotations.isEmpty() ? null : annotations).endMetadata()
        .withNewSpec().withReplicas(2)
            .withNewSelector().addToMatchLabels("app", "web").endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withSpec(pod).endTemplate()
        .endSpec().build();
  }

  private static PodSpecBuilder appPod() {
    return new PodSpecBuilder()
        .addNewContainer().withName("app").withImage("shop/web:1")
            .addNewPort().withName("http").withContainerPort(3000).endPort()
        .endContainer();
  }

  private static PodSpecBuilder userPod() {
    return appPod()
        .editMatchingContainer(c -> "app".equals(c.getName()))
            .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
        .endContainer()
        .addNewInitContainer().withName("migrate").withImage("shop/migrate:1").endInitContainer()
        .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewVolume().withName("config").withNewConfigMap().withName("web-config").endConfigMap()
        .endVolume();
  }
}
