package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.ProxyTls;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.testing.TestCertificates;
import io.stickypool.testing.TestCertificates.KeyFormat;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * spec.proxy.tls against a real API server: the proxy Deployment gets --tls-secret and its Role the
 * one Secret; a missing Secret is Ready=False (TlsSecretInvalid) until it is created.
 */
class TlsSecretStatusApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final KubernetesClient client = K8S.client();
  private final TestCluster cluster = new TestCluster(client, K8S.namespace());
  private final String ns = K8S.namespace();
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @BeforeEach
  void start() {
    operator.start(client, cluster.operatorSettings().build());
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  private Optional<Condition> ready() {
    StickyPool p = client.resources(StickyPool.class).inNamespace(ns).withName("web").get();
    return p == null || p.getStatus() == null || p.getStatus().getConditions() == null ? Optional.empty()
        : p.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst();
  }

  @Test
  void reportsAMissingTlsSecretUntilItExists() throws Exception {
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("web")
        .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build()).create();
    client.discovery().v1().endpointSlices().inNamespace(ns).resource(new EndpointSliceBuilder()
        .withNewMetadata().withName("web-abc").addToLabels("kubernetes.io/service-name", "web").endMetadata()
        .withAddressType("IPv4").withEndpoints(new EndpointBuilder().withAddresses("10.0.0.1")
            .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
            .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName("web-0").withNamespace(ns).build())
            .build())
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build()).create();
    StickyPool pool;
    try (var in = new FileInputStream("samples/pool-cookie.yaml")) {
      pool = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
    }
    pool.getMetadata().setNamespace(ns);
    if (pool.getSpec().getProxy() == null) {
      pool.getSpec().setProxy(new io.stickypool.api.v1alpha1.Proxy());
    }
    ProxyTls tls = new ProxyTls();
    tls.setSecretName("web-tls");
    pool.getSpec().getProxy().setTls(tls);
    client.resources(StickyPool.class).inNamespace(ns).resource(pool).create();

    await().atMost(WAIT).untilAsserted(() -> assertThat(ready()).hasValueSatisfying(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("TlsSecretInvalid");
      assertThat(c.getMessage()).contains("Secret " + ns + "/web-tls (spec.proxy.tls.secretName) not found");
    }));
    await().atMost(WAIT).untilAsserted(() -> assertThat(client.apps().deployments().inNamespace(ns)
        .withName("web-proxy").get().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsSequence("--tls-secret", "web-tls"));
    assertThat(client.rbac().roles().inNamespace(ns).withName("web-proxy").get().getRules())
        .extracting(PolicyRule::getResourceNames).contains(java.util.List.of("web-tls"));

    TestCertificates.Issued pair = new TestCertificates().issueEc(KeyFormat.PKCS8);
    client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("web-tls").endMetadata()
        .withType("kubernetes.io/tls").withData(Map.of("tls.crt", base64(pair.certPem()), "tls.key", base64(pair.keyPem())))
        .build()).create();
    await().atMost(WAIT).untilAsserted(() -> assertThat(ready())
        .hasValueSatisfying(c -> assertThat(c.getReason()).isNotEqualTo("TlsSecretInvalid")));
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }
}
