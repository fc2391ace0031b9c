package io.stickypool.operator.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.Proxy;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.cookie.SigningKey;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.operator.model.PoolModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The matcher against real model output and a simulated API server: the server's copy carries
 * defaults, bookkeeping, other actors' labels and canonical quantities, none of which is a change.
 */
class OwnedObjectMatcherTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String REVISION = "deployment.kubernetes.io/revision";

  private final PoolModel.Desired desired = PoolModel.desired(pool(), snapshot(), keys(), "img:1");

  @Test
  void serverCopiesOfEveryObjectMatch() {
    for (HasMetadata object : desired.all()) {
      assertThat(OwnedObjectMatcher.firstDifference(object, served(object)))
          .as(object.getKind()).isEmpty();
    }
  }

  @Test
  void quantitiesCompareByValue() {
    Deployment server = served(desired.deployment());
    assertThat(container(server).getResources().getLimits()).containsEntry("cpu", new Quantity("1000m"));
    container(server).getResources().getRequests().put("memory", new Quantity("268435456"));
    assertThat(difference(desired.deployment(), server))
        .hasValue("spec.template.spec.containers[proxy].resources.requests.memory");
  }

  @Test
  void changedImageDiffers() {
    Deployment server = served(desired.deployment());
    container(server).setImage("img:2");
    assertThat(difference(desired.deployment(), server)).hasValue("spec.template.spec.containers[proxy].image");
  }

  @Test
  void changedReplicasDiffer() {
    Deployment server = served(desired.deployment());
    server.getSpec().setReplicas(5);
    assertThat(difference(desired.deployment(), server)).hasValue("spec.replicas");
  }

  @Test
  void changedConfigMapValueDiffers() {
    ConfigMap server = served(desired.routes());
    server.setData(Map.of("proxy.json", "{}"));
    assertThat(difference(desired.routes(), server)).hasValue("data.proxy.json");
  }

  @Test
  void changedOwnedLabelDiffers() {
    ConfigMap server = served(desired.routes());
    server.getMetadata().getLabels().put("stickypool.io/pool", "other");
    assertThat(difference(desired.routes(), server)).hasValue("metadata.labels.stickypool.io/pool");
  }

  @Test
  void missingOwnerReferenceDiffers() {
    Deployment server = served(desired.deployment());
    server.getMetadata().setOwnerReferences(List.of());
    assertThat(difference(desired.deployment(), server)).hasValue("metadata.ownerReferences");
  }

  @Test
  void secretDifferencesNameNoKey() {
    Secret server = served(desired.keys());
    server.getData().replaceAll((k, v) -> Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8)));
    assertThat(difference(desired.keys(), server)).hasValue("data");
  }

  @Test
  void stringDataMatchesTheDataTheServerStoresIt() {
    Secret want = new SecretBuilder().withNewMetadata().withName("s").endMetadata()
        .withStringData(Map.of("token", "abc")).build();
    Secret server = new SecretBuilder().withNewMetadata().withName("s").endMetadata()
        .withData(Map.of("token", Base64.getEncoder().encodeToString("abc".getBytes(StandardCharsets.UTF_8))))
        .build();
    assertThat(OwnedObjectMatcher.firstDifference(want, server)).isEmpty();
    server.getData().put("token", "eHl6");
    assertThat(OwnedObjectMatcher.firstDifference(want, server)).hasValue("data");
  }


  @Test
  void aContainerAnotherManagerAddedIsTheirsButOursMustStillMatch() {
    Deployment server = served(desired.deployment());
    server.getSpec().getTemplate().getSpec().getContainers().add(0, new io.fabric8.kubernetes.api.model
        .ContainerBuilder().withName("mesh-proxy").withImage("mesh:1").build());
    assertThat(difference(desired.deployment(), server)).isEmpty();

    server.getSpec().getTemplate().getSpec().getContainers().get(1).setImage("other:2");
    assertThat(difference(desired.deployment(), server))
        .hasValue("spec.template.spec.containers[proxy].image");
  }

  @Test
  void aRuleListIsComparedWhole() {
    io.fabric8.kubernetes.api.model.rbac.Role role = desired.role();
    io.fabric8.kubernetes.api.model.rbac.Role server = served(role);
    server.getRules().add(new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder()
        .withApiGroups("").withResources("secrets").withVerbs("list").build());
    assertThat(difference(role, server)).hasValue("rules");
  }

  @Test
  void theShapeDigestChangesWhenAFieldIsDroppedAndIgnoresMapOrder() {
    Deployment withVolume = SERIALIZATION.clone(desired.deployment());
    Deployment without = SERIALIZATION.clone(desired.deployment());
    without.getSpec().getTemplate().getSpec().getVolumes().remove(0);
    AppliedShape.stamp(withVolume);
    AppliedShape.stamp(without);
    String before = withVolume.getMetadata().getAnnotations().get(AppliedShape.ANNOTATION);
    assertThat(without.getMetadata().getAnnotations().get(AppliedShape.ANNOTATION)).isNotEqualTo(before);
    // The server still has the volume the operator no longer wants: only the digest tells.
    assertThat(difference(without, served(withVolume))).hasValue("metadata.annotations." + AppliedShape.ANNOTATION);

    Deployment reordered = SERIALIZATION.clone(desired.deployment());
    Map<String, String> labels = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
    labels.putAll(reordered.getMetadata().getLabels());
    reordered.getMetadata().setLabels(labels);
    assertThat(AppliedShape.stamp(reordered).getMetadata().getAnnotations().get(AppliedShape.ANNOTATION))
        .isEqualTo(before);
  }

  private static java.util.Optional<String> difference(HasMetadata want, HasMetadata server) {
    return OwnedObjectMatcher.firstDifference(want, server);
  }

  /** What a GET returns after the API server stored {@code object}. */
  private static <T extends HasMetadata> T served(T object) {
    T copy = SERIALIZATION.clone(object);
    ObjectMeta meta = copy.getMetadata();
    meta.setUid("d-uid");
    meta.setResourceVersion("812");
    meta.setGeneration(2L);
    meta.setCreationTimestamp("2026-01-01T00:00:00Z");
    meta.setLabels(new HashMap<>(meta.getLabels()));
    meta.getLabels().put("team", "checkout");
    if (copy instanceof Deployment deployment) {
      meta.setAnnotations(new HashMap<>(Map.of(REVISION, "4")));
      addDeploymentDefaults(deployment);
    }
    return copy;
  }

  private static void addDeploymentDefaults(Deployment deployment) {
    deployment.getSpec().setRevisionHistoryLimit(10);
    deployment.getSpec().setProgressDeadlineSeconds(600);
    deployment.getSpec().setStrategy(new DeploymentStrategyBuilder().withType("RollingUpdate")
        .withNewRollingUpdate().withNewMaxSurge("25%").withNewMaxUnavailable("25%").endRollingUpdate()
        .build());
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    pod.setDnsPolicy("ClusterFirst");
    pod.setSchedulerName("default-scheduler");
    pod.setRestartPolicy("Always");
    Container proxy = pod.getContainers().get(0);
    proxy.setTerminationMessagePath("/dev/termination-log");
    proxy.setImagePullPolicy("IfNotPresent");
    proxy.setResources(new ResourceRequirementsBuilder()
        .withLimits(Map.of("cpu", new Quantity("1000m"), "memory", new Quantity("134217728")))
        .withRequests(Map.of("cpu", new Quantity("0.1"), "memory", new Quantity("0.125Gi")))
        .build());
    deployment.setStatus(new DeploymentStatusBuilder().withReplicas(2).withReadyReplicas(2)
        .withObservedGeneration(2L).build());
  }

  private static Container container(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** The cookie sample with resources written as a user would, before the server canonicalises them. */
  private static StickyPool pool() {
    try {
      StickyPool pool = SERIALIZATION.unmarshal(Files.readString(Path.of("samples/pool-cookie.yaml")), StickyPool.class);
      pool.getMetadata().setNamespace("shop");
      pool.getMetadata().setUid("pool-uid");
      pool.getMetadata().setGeneration(2L);
      Proxy proxy = new Proxy();
      proxy.setResources(new ResourceRequirementsBuilder()
          .withLimits(Map.of("cpu", new Quantity("1"), "memory", new Quantity("128Mi")))
          .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
          .build());
      pool.getSpec().setProxy(proxy);
      return pool;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RoutingSnapshot snapshot() {
    return new RoutingSnapshot(3, AffinitySettings.cookie(CookieSettings.defaults()),
        PlacementSettings.defaults(), List.of(Backend.active(BackendId.of("web-0"), "10.0.0.1", 8080)));
  }

  private static KeyRing keys() {
    byte[] secret = new byte[SigningKey.MIN_SECRET_BYTES];
    Arrays.fill(secret, (byte) 7);
    return KeyRing.of(new SigningKey(1, secret));
  }
}
