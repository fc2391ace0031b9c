package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.Proxy;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.cookie.SigningKey;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.config.ProxyConfigLoader;
import io.stickypool.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Renders every object for samples/pool-cookie.yaml (all proxy fields defaulted) and compares it
 * with src/test/resources/golden/operator/model/; update with -Dgolden.update=true and review the
 * diff. The explicit assertions pin what must not drift in a careless golden update.
 */
class PoolModelTest {
  private static final String IMAGE = "ghcr.io/stickypool/stickypool:0.1.0";
  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final PoolModel.Target TARGET =
      new PoolModel.Target("shop-web", Map.of("app", "web", "tier", "front"));

  private final PoolModel.Desired desired =
      PoolModel.desired(samplePool(), snapshot(), keys(), IMAGE);

  @Test
  void rendersEveryObjectAsItsGoldenFile() {
    Map<String, HasMetadata> byFile = Map.of(
        "serviceaccount.yaml", desired.serviceAccount(),
        "role.yaml", desired.role(),
        "rolebinding.yaml", desired.roleBinding(),
        "configmap-routes.yaml", desired.routes(),
        "secret-keys.yaml", desired.keys(),
        "service.yaml", desired.service(),
        "service-admin.yaml", desired.adminService(),
        "deployment.yaml", desired.deployment(),
        "poddisruptionbudget.yaml", desired.disruptionBudget());
    byFile.forEach((file, object) ->
        Golden.assertMatches("operator/model/" + file, YAML.asYaml(object)));
  }

  @Test
  void everyObjectIsControlledByThePoolAndLabelled() {
    for (HasMetadata object : desired.all()) {
      assertThat(object.getMetadata().getNamespace()).isEqualTo("shop");
      assertThat(object.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
          "app.kubernetes.io/name", "stickypool-proxy",
          "app.kubernetes.io/instance", "web",
          "app.kubernetes.io/managed-by", "stickypool-operator",
          "stickypool.io/pool", "web"));
      OwnerReference owner = object.getMetadata().getOwnerReferences().get(0);
      assertThat(object.getMetadata().getOwnerReferences()).hasSize(1);
      assertThat(owner.getController()).isTrue();
      assertThat(owner.getBlockOwnerDeletion()).isTrue();
      assertThat(owner.getApiVersion()).isEqualTo("stickypool.io/v1alpha1");
      assertThat(owner.getKind()).isEqualTo("StickyPool");
      assertThat(owner.getName()).isEqualTo("web");
      assertThat(owner.getUid()).isEqualTo("0b7e5c1e-0000-4000-8000-000000000001");
    }
    assertThat(desired.all()).extracting(o -> o.getMetadata().getName()).containsExactly(
        "web-proxy", "web-proxy", "web-proxy", "web-routes", "web-keys", "web-proxy",
        "web-proxy-admin", "web-proxy", "web-proxy");
  }

  @Test
  void proxyContainerIsLockedDown() {
    PodSpec pod = desired.deployment().getSpec().getTemplate().getSpec();
    SecurityContext security = pod.getContainers().get(0).getSecurityContext();

    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getRunAsUser()).isEqualTo(10001L);
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken())
        .as("the proxy watches its ConfigMap with this token").isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo("web-proxy");
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(45L);
  }

  @Test
  void proxyWatchesItsConfigMapThroughTheApiWithProbesOnAdmin() {
    Container proxy = desired.deployment().getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(proxy.getImage()).isEqualTo(IMAGE);
    assertThat(proxy.getArgs()).containsExactly("proxy", "--config-map", "web-routes");
    assertThat(proxy.getEnv()).singleElement().satisfies(env -> {
      assertThat(env.getName()).isEqualTo("POD_NAMESPACE");
      assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    });
    assertThat(proxy.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("http:8080", "admin:9901");
    assertThat(proxy.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(proxy.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
    assertThat(proxy.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(proxy.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
    assertThat(proxy.getVolumeMounts())
        .extracting(m -> m.getMountPath() + ":" + m.getReadOnly())
        .containsExactly("/etc/stickypool/keys:true", "/tmp:null");
    assertThat(desired.deployment().getSpec().getTemplate().getSpec().getVolumes())
        .extracting(v -> v.getName()).containsExactly("keys", "tmp");
    assertThat(desired.deployment().getSpec().getReplicas()).isEqualTo(2);
    assertThat(desired.deployment().getSpec().getTemplate().getMetadata().getAnnotations())
        .as("a pool spec change must not roll every proxy").isNullOrEmpty();
  }

  @Test
  void roleReadsOnlyThePoolsOwnConfigMapAndSecret() {
    List<PolicyRule> rules = desired.role().getRules();

    assertThat(rules).hasSize(2);
    assertThat(rules).allSatisfy(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getVerbs()).containsExactly("get", "list", "watch");
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
    });
    assertThat(rules.get(0).getResources()).containsExactly("configmaps");
    assertThat(rules.get(0).getResourceNames()).containsExactly("web-routes");
    assertThat(rules.get(1).getResources()).containsExactly("secrets");
    assertThat(rules.get(1).getResourceNames()).containsExactly("web-keys");
    assertThat(desired.roleBinding().getRoleRef().getName()).isEqualTo("web-proxy");
    assertThat(desired.roleBinding().getRoleRef().getKind()).isEqualTo("Role");
    assertThat(desired.roleBinding().getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo("web-proxy");
      assertThat(s.getNamespace()).isEqualTo("shop");
    });
  }

  @Test
  void serviceExposesOnlyHttpToTheInstancesPods() {
    var spec = desired.service().getSpec();

    assertThat(spec.getType()).isEqualTo("ClusterIP");
    assertThat(spec.getSelector()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "app.kubernetes.io/name", "stickypool-proxy", "app.kubernetes.io/instance", "web"));
    assertThat(spec.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("http");
      assertThat(p.getPort()).isEqualTo(8080);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
    });
    assertThat(desired.deployment().getSpec().getSelector().getMatchLabels())
        .isEqualTo(spec.getSelector());
  }

  @Test
  void routesDocumentLoadsInTheProxyWithListenerAndKeyFile() throws Exception {
    String document = desired.routes().getData().get("proxy.json");

    ProxyConfig config = ProxyConfigLoader.parse(document, Path.of("/etc/stickypool/routes"));

    assertThat(config.listen().getPort()).isEqualTo(8080);
    assertThat(config.listen().getAddress().isAnyLocalAddress()).isTrue();
    assertThat(config.admin().getPort()).isEqualTo(9901);
    assertThat(config.keyFile()).isEqualTo(Path.of("/etc/stickypool/keys/keys"));
    assertThat(config.adminTokenFile()).isNull();
    assertThat(config.routes()).isEqualTo(snapshot());
    assertThat(desired.routes().getMetadata().getAnnotations())
        .containsExactly(Map.entry("stickypool.io/snapshot-version", "7"));
  }

  @Test
  void secretReadsBackToTheSameRing() {
    assertThat(desired.keys().getType()).isEqualTo("Opaque");
    assertThat(SigningSecretModel.keyRing(desired.keys())).contains(keys());
    assertThat(SigningSecretModel.keyRing(null)).isEmpty();
  }

  @Test
  void exposesOnlyTheAdminPortOnAClusterIpServiceEvenForALoadBalancerPool() {
    PoolModel.Desired lb = PoolModel.desired(read("samples/pool-header.yaml"), snapshot(), keys(), IMAGE);

    assertThat(lb.service().getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(lb.service().getSpec().getPorts()).extracting(p -> p.getName()).containsExactly("http");
    assertThat(lb.adminService().getMetadata().getName()).isEqualTo("api-proxy-admin");
    assertThat(lb.adminService().getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(lb.adminService().getSpec().getSelector()).isEqualTo(lb.service().getSpec().getSelector());
    assertThat(lb.adminService().getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("admin");
      assertThat(p.getPort()).isEqualTo(9901);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("admin");
    });
  }

  @Test
  void refusesAPoolWithoutAnImage() {
    assertThatThrownBy(() -> PoolModel.desired(samplePool(), snapshot(), keys(), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.proxy.image");
  }

  @Test
  void takesReplicasServiceTypeResourcesAndImageFromTheSpec() {
    StickyPool pool = read("samples/pool-header.yaml");
    pool.getSpec().getProxy().setImage("registry.example/stickypool:pinned");
    pool.getSpec().getProxy().setPort(9090);

    PoolModel.Desired api = PoolModel.desired(pool, snapshot(), keys(), IMAGE);

    Container proxy = api.deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(api.deployment().getSpec().getReplicas()).isEqualTo(3);
    assertThat(proxy.getImage()).isEqualTo("registry.example/stickypool:pinned");
    assertThat(proxy.getResources().getRequests().get("memory").toString()).isEqualTo("128Mi");
    assertThat(proxy.getPorts().get(0).getContainerPort()).isEqualTo(9090);
    assertThat(api.service().getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(api.service().getSpec().getPorts().get(0).getPort()).isEqualTo(9090);
    assertThat(api.routes().getData().get("proxy.json")).contains("\"listen\": \"0.0.0.0:9090\"");
  }

  @Test
  void refusesSidecarMode() {
    StickyPool pool = samplePool();
    pool.getSpec().setProxy(new Proxy());
    pool.getSpec().getProxy().setMode(ProxyMode.Sidecar);

    assertThatThrownBy(() -> PoolModel.desired(pool, snapshot(), keys(), IMAGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Sidecar");
  }

  @Test
  void sidecarRoutesListenOnLoopbackOnly() throws Exception {
    StickyPool pool = samplePool();
    pool.getSpec().setProxy(new Proxy());
    pool.getSpec().getProxy().setMode(ProxyMode.Sidecar);
    pool.getSpec().getProxy().setPort(8181);

    PoolModel.SidecarDesired sidecar = PoolModel.sidecar(pool, snapshot(), keys(), Map.of(), TARGET);

    String document = sidecar.routes().getData().get("proxy.json");
    assertThat(document).contains("\"listen\": \"127.0.0.1:8181\"");
    ProxyConfig config = ProxyConfigLoader.parse(document, Path.of("/etc/stickypool/routes"));
    assertThat(config.listen().getAddress().isLoopbackAddress()).isTrue();
    assertThat(config.listen().getPort()).isEqualTo(8181);
    assertThat(config.admin().getPort()).isEqualTo(9901);
    assertThat(config.admin().getAddress().isAnyLocalAddress())
        .as("the admin Service reaches the sidecar from outside the pod").isTrue();
    assertThat(config.routes()).isEqualTo(snapshot());
    assertThat(sidecar.keys().getMetadata().getName()).isEqualTo("web-keys");
    assertThat(SigningSecretModel.keyRing(sidecar.keys())).contains(keys());
  }

  @Test
  void sidecarRoleReadsOnlyThePoolsRoutesAndKeysAndBindsTheTargetsAccount() {
    PoolModel.SidecarDesired sidecar = PoolModel.sidecar(samplePool(), snapshot(), keys(), Map.of(), TARGET);

    assertThat(sidecar.role().getMetadata().getName()).isEqualTo("web-sidecar");
    assertThat(sidecar.role().getRules())
        .extracting(r -> r.getApiGroups() + " " + r.getResources() + " " + r.getResourceNames() + " "
            + r.getVerbs() + " " + r.getNonResourceURLs())
        .containsExactly(
            "[] [configmaps] [web-routes] [get, list, watch] []",
            "[] [secrets] [web-keys] [get, list, watch] []");
    assertThat(sidecar.roleBinding().getMetadata().getName()).isEqualTo("web-sidecar");
    assertThat(sidecar.roleBinding().getRoleRef().getKind()).isEqualTo("Role");
    assertThat(sidecar.roleBinding().getRoleRef().getName()).isEqualTo("web-sidecar");
    assertThat(sidecar.roleBinding().getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo("shop-web");
      assertThat(s.getNamespace()).isEqualTo("shop");
    });
    assertThat(sidecar.all()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactly("ConfigMap/web-routes", "Secret/web-keys", "Role/web-sidecar",
            "RoleBinding/web-sidecar", "Service/web-proxy-admin");
    assertThat(sidecar.all()).allSatisfy(o ->
        assertThat(o.getMetadata().getOwnerReferences()).singleElement()
            .satisfies(owner -> assertThat(owner.getUid()).isEqualTo("0b7e5c1e-0000-4000-8000-000000000001")));
  }

  @Test
  void sidecarAdminServiceSelectsTheTargetsPodsOnTheAdminPortNumber() {
    PoolModel.SidecarDesired sidecar = PoolModel.sidecar(samplePool(), snapshot(), keys(), Map.of(), TARGET);

    var spec = sidecar.adminService().getSpec();
    assertThat(sidecar.adminService().getMetadata().getName()).isEqualTo("web-proxy-admin");
    assertThat(spec.getType()).isEqualTo("ClusterIP");
    assertThat(spec.getSelector()).containsExactlyInAnyOrderEntriesOf(Map.of("app", "web", "tier", "front"));
    assertThat(spec.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(9901);
      assertThat(p.getTargetPort().getIntVal()).as("by number: the app may own the port names")
          .isEqualTo(9901);
    });
  }

  @Test
  void sidecarWithoutTargetOwnsOnlyRoutesAndKeys() {
    PoolModel.SidecarDesired missing = PoolModel.sidecar(samplePool(), snapshot(), keys(), Map.of(), null);
    PoolModel.SidecarDesired unselectable = PoolModel.sidecar(samplePool(), snapshot(), keys(), Map.of(),
        new PoolModel.Target("shop-web", Map.of()));

    assertThat(missing.role()).isNull();
    assertThat(missing.roleBinding()).isNull();
    assertThat(missing.adminService()).isNull();
    assertThat(missing.all()).extracting(o -> o.getMetadata().getName())
        .containsExactly("web-routes", "web-keys");
    assertThat(unselectable.role()).isNotNull();
    assertThat(unselectable.adminService()).as("an empty selector would select every pod").isNull();
  }

  /** The sample as the API server would hold it: namespaced, with a uid and a generation. */
  private static StickyPool samplePool() {
    return read("samples/pool-cookie.yaml");
  }

  private static StickyPool read(String sample) {
    try {
      StickyPool pool = YAML.unmarshal(Files.readString(Path.of(sample)), StickyPool.class);
      pool.getMetadata().setNamespace("shop");
      pool.getMetadata().setUid("0b7e5c1e-0000-4000-8000-000000000001");
      pool.getMetadata().setGeneration(3L);
      return pool;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RoutingSnapshot snapshot() {
    return new RoutingSnapshot(
        7,
        AffinitySettings.cookie(CookieSettings.defaults()),
        PlacementSettings.defaults(),
        List.of(
            Backend.active(BackendId.of("web-0"), "10.0.0.10", 8080),
            Backend.active(BackendId.of("web-1"), "10.0.0.11", 8080)));
  }

  /** A fixed key, so the Secret's golden file is stable; never use such a key outside tests. */
  private static KeyRing keys() {
    byte[] secret = new byte[SigningKey.MIN_SECRET_BYTES];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) i;
    }
    return KeyRing.of(new SigningKey(1, secret));
  }
}
