package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.FileInputStream;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator against a real API server: routes, owned objects, status and a drain. */
class StickyPoolReconcilerApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final KubernetesClient client = K8S.client();
  private final TestCluster cluster = new TestCluster(client, K8S.namespace());
  private final String NS = K8S.namespace();
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @BeforeEach
  void start() {
    operator.start(client, cluster.operatorSettings().build());
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void publishesRoutesOwnedObjectsStatusAndDrains() throws Exception {
    client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("web")
        .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build()).create();
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice(3, -1)).create();
    StickyPool pool = loadPool();
    pool = client.resources(StickyPool.class).inNamespace(NS).resource(pool).create();
    String uid = pool.getMetadata().getUid();

    await().atMost(WAIT).untilAsserted(() -> assertThat(routes()).contains("\"Active\"")
        .satisfies(j -> assertThat(j.split("\"Active\"", -1)).hasSize(4)));
    await().atMost(WAIT).untilAsserted(() -> assertOwned(uid));
    await().atMost(WAIT).untilAsserted(() -> {
      StickyPool p = client.resources(StickyPool.class).inNamespace(NS).withName("web").get();
      assertThat(p.getStatus()).isNotNull();
      assertThat(p.getStatus().getObservedGeneration()).isEqualTo(1L);
      assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).isEqualTo("True");
      });
      assertThat(reasons()).contains("BackendAdded");
    });
    String keysBefore = client.secrets().inNamespace(NS).withName("web-keys").get().getData().toString();
    long v1 = version();

    long t0 = System.nanoTime();
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice(3, 1)).update();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> routes().contains("\"Draining\""));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("slice update -> routes ConfigMap change: " + ms + " ms");
    assertThat(version()).isGreaterThan(v1);
    assertThat(routes()).contains("drainDeadline");
    await().atMost(WAIT).untilAsserted(() -> assertThat(reasons()).contains("BackendDraining", "RoutesUpdated"));
    assertThat(client.secrets().inNamespace(NS).withName("web-keys").get().getData().toString())
        .as("keys are never regenerated").isEqualTo(keysBefore);
  }

  @Test
  void missingServiceIsReported() throws Exception {
    StickyPool pool = loadPool();
    pool.getMetadata().setName("lonely");
    pool.getSpec().getBackend().setService("nowhere");
    client.resources(StickyPool.class).inNamespace(NS).resource(pool).create();
    await().atMost(WAIT).untilAsserted(() -> {
      StickyPool p = client.resources(StickyPool.class).inNamespace(NS).withName("lonely").get();
      assertThat(p.getStatus()).isNotNull();
      assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("ServiceNotFound");
        assertThat(c.getMessage()).contains("nowhere");
      });
    });
    assertThat(client.configMaps().inNamespace(NS).withName("lonely-routes").get()).isNull();
  }

  @Test
  void reportsAMissingTlsSecretUntilItExists() throws Exception {
    client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("shop")
        .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build()).create();
    StickyPool pool = loadPool();
    pool.getMetadata().setName("secure");
    pool.getSpec().getBackend().setService("shop");
    io.stickypool.api.v1alpha1.ProxyTls tls = new io.stickypool.api.v1alpha1.ProxyTls();
    tls.setSecretName("secure-tls");
    pool.getSpec().setProxy(new io.stickypool.api.v1alpha1.Proxy());
    pool.getSpec().getProxy().setTls(tls);
    client.resources(StickyPool.class).inNamespace(NS).resource(pool).create();

    await().atMost(WAIT).untilAsserted(() -> assertThat(ready("secure")).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("TlsSecretInvalid");
      assertThat(c.getMessage()).contains("Secret " + NS + "/secure-tls (spec.proxy.tls.secretName) not found");
    }));
    await().atMost(WAIT).untilAsserted(() -> assertThat(reasons()).contains("TlsSecretInvalid"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(client.apps().deployments().inNamespace(NS)
        .withName("secure-proxy").get().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsSequence("--tls-secret", "secure-tls"));
    assertThat(client.rbac().roles().inNamespace(NS).withName("secure-proxy").get().getRules())
        .extracting(io.fabric8.kubernetes.api.model.rbac.PolicyRule::getResourceNames).contains(List.of("secure-tls"));

    var pair = new io.stickypool.testing.TestCertificates().issueEc(io.stickypool.testing.TestCertificates.KeyFormat.PKCS8);
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    client.secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("secure-tls").endMetadata().withType("kubernetes.io/tls")
        .withData(java.util.Map.of("tls.crt", b64.encodeToString(pair.certPem().getBytes()),
            "tls.key", b64.encodeToString(pair.keyPem().getBytes())))
        .build()).create();
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(ready("secure").getReason()).isNotEqualTo("TlsSecretInvalid"));
  }

  private io.fabric8.kubernetes.api.model.Condition ready(String name) {
    StickyPool p = client.resources(StickyPool.class).inNamespace(NS).withName(name).get();
    assertThat(p.getStatus()).isNotNull();
    return p.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
  }

  private void assertOwned(String uid) {
    List<HasMetadata> owned = cluster.owned("web");
    for (HasMetadata o : owned) {
      assertThat(o).as("owned object").isNotNull();
      assertThat(o.getMetadata().getOwnerReferences()).singleElement()
          .satisfies(r -> {
            assertThat(r.getController()).isTrue();
            assertThat(r.getUid()).isEqualTo(uid);
          });
    }
  }

  private StickyPool loadPool() throws Exception {
    try (var in = new FileInputStream("samples/pool-cookie.yaml")) {
      StickyPool p = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
      p.getMetadata().setNamespace(NS);
      return p;
    }
  }

  private String routes() {
    ConfigMap cm = client.configMaps().inNamespace(NS).withName("web-routes").get();
    return cm == null ? "" : cm.getData().get("proxy.json");
  }

  private long version() {
    return Long.parseLong(client.configMaps().inNamespace(NS).withName("web-routes").get()
        .getMetadata().getAnnotations().get("stickypool.io/snapshot-version"));
  }

  private List<String> reasons() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .map(Event::getReason).collect(Collectors.toList());
  }

  /** Three pods; the one at index {@code draining} is terminating but still serving. */
  private EndpointSlice slice(int n, int draining) {
    List<Endpoint> eps = IntStream.range(0, n).mapToObj(i -> new EndpointBuilder()
        .withAddresses("10.0.0." + (i + 1))
        .withNewConditions().withReady(i != draining).withServing(true).withTerminating(i == draining)
        .endConditions()
        .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName("web-" + i)
            .withNamespace(NS).build())
        .build()).toList();
    return new EndpointSliceBuilder().withNewMetadata().withName("web-abc").withNamespace(NS)
        .addToLabels("kubernetes.io/service-name", "web").endMetadata()
        .withAddressType("IPv4").withEndpoints(eps)
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .build();
  }
}
