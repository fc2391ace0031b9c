package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.stickypool.api.v1alpha1.Proxy;
import io.stickypool.api.v1alpha1.StickyPool;
import java.io.FileInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reconciles that change nothing must write none of the pool's objects: every write of the
 * Deployment is a rollout on a real cluster, and every write bumps a resourceVersion that other
 * controllers and watches react to.
 */
@EnableKubernetesMockClient(crud = true)
class OwnedObjectsMockServerTest {
  private static final String NS = "test";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String STATUS_PATH = "/stickypools/web/status";
  private static final List<String> OWNED = List.of(
      "ConfigMap web-routes", "Secret web-keys", "Deployment web-proxy", "Service web-proxy",
      "Service web-proxy-admin",
      "ServiceAccount web-proxy", "Role web-proxy", "RoleBinding web-proxy");

  KubernetesMockServer server;
  KubernetesClient client;
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @BeforeEach
  void start() {
    var crd = client.getKubernetesSerialization().unmarshal(getClass().getResourceAsStream(
        "/META-INF/fabric8/stickypools.stickypool.io-v1.yml"), CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    operator.start(client, "ghcr.io/stickypool/stickypool:0.1.0");
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void writesOwnedObjectsOnlyWhenTheyDiffer() throws Exception {
    client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("web")
        .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build()).create();
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice("1")).create();
    client.resources(StickyPool.class).inNamespace(NS).resource(loadPool()).create();
    Map<String, String> settled = awaitReadyAndSettled();

    List<RecordedRequest> writes = reconcileWithoutChange(() -> {
      client.resources(StickyPool.class).inNamespace(NS).withName("web")
          .edit(p -> { p.getMetadata().getAnnotations().put("note", "unrelated"); return p; });
      client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice("2")).update();
    });
    assertThat(writes).as("writes to owned objects").isEmpty();
    assertThat(versions()).isEqualTo(settled);

    client.apps().deployments().inNamespace(NS).withName("web-proxy").edit(d -> {
      d.getMetadata().getLabels().put("team", "checkout");
      d.getMetadata().getAnnotations().put("owner", "checkout-team");
      return d;
    });
    Map<String, String> userEdited = versions();
    assertThat(reconcileWithoutChange(() -> client.discovery().v1().endpointSlices()
        .inNamespace(NS).resource(slice("3")).update())).isEmpty();
    assertThat(deployment().getMetadata().getLabels()).containsEntry("team", "checkout");
    assertThat(versions()).isEqualTo(userEdited);

    client.resources(StickyPool.class).inNamespace(NS).withName("web").edit(p -> {
      p.getSpec().setProxy(new Proxy());
      p.getSpec().getProxy().setReplicas(3);
      return p;
    });
    await().atMost(WAIT).until(() -> deployment().getSpec().getReplicas() == 3);
    Map<String, String> scaled = versions();
    assertThat(scaled.get("Deployment web-proxy")).isNotEqualTo(userEdited.get("Deployment web-proxy"));
    scaled.remove("Deployment web-proxy");
    userEdited.remove("Deployment web-proxy");
    assertThat(scaled).isEqualTo(userEdited);
    assertThat(deployment().getMetadata().getLabels()).containsEntry("team", "checkout");
    assertThat(deployment().getMetadata().getAnnotations()).containsEntry("owner", "checkout-team");
  }

  /** Ready, and two polls in a row see the same resourceVersions: creation traffic is over. */
  private Map<String, String> awaitReadyAndSettled() {
    await().atMost(WAIT).untilAsserted(() -> {
      StickyPool pool = client.resources(StickyPool.class).inNamespace(NS).withName("web").get();
      assertThat(pool.getStatus()).isNotNull();
      assertThat(pool.getStatus().getConditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).isEqualTo("True");
      });
    });
    AtomicReference<Map<String, String>> last = new AtomicReference<>(Map.of());
    await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
        .until(() -> last.getAndSet(versions()).equals(last.get()));
    return last.get();
  }

  /**
   * Runs {@code trigger}, waits for the reconcile it causes to finish (its last step patches the
   * pool status) and returns the writes that reached the owned objects meanwhile.
   */
  private List<RecordedRequest> reconcileWithoutChange(Runnable trigger) throws InterruptedException {
    while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
      // drop the requests of earlier steps
    }
    trigger.run();
    List<RecordedRequest> seen = new ArrayList<>();
    await().atMost(WAIT).until(() -> {
      for (RecordedRequest r = server.takeRequest(10, TimeUnit.MILLISECONDS); r != null;
          r = server.takeRequest(10, TimeUnit.MILLISECONDS)) {
        seen.add(r);
      }
      return reconciledAfterTrigger(seen);
    });
    return seen.stream().filter(r -> !"GET".equals(r.getMethod()))
        .filter(r -> r.getPath().contains("web-proxy") || r.getPath().contains("web-routes")
            || r.getPath().contains("web-keys"))
        .toList();
  }

  /**
   * A reconcile reads the routes ConfigMap back early (Service and slices come from informer
   * caches) and ends by patching the pool status.
   */
  private static boolean reconciledAfterTrigger(List<RecordedRequest> seen) {
    int start = -1;
    for (int i = 0; i < seen.size(); i++) {
      String path = seen.get(i).getPath();
      if ("GET".equals(seen.get(i).getMethod()) && path.endsWith("/configmaps/web-routes")) {
        start = i;
      } else if (start >= 0 && path.endsWith(STATUS_PATH)) {
        return true;
      }
    }
    return false;
  }

  private Map<String, String> versions() {
    List<HasMetadata> owned = List.of(
        client.configMaps().inNamespace(NS).withName("web-routes").get(),
        client.secrets().inNamespace(NS).withName("web-keys").get(),
        deployment(),
        client.services().inNamespace(NS).withName("web-proxy").get(),
        client.services().inNamespace(NS).withName("web-proxy-admin").get(),
        client.serviceAccounts().inNamespace(NS).withName("web-proxy").get(),
        client.rbac().roles().inNamespace(NS).withName("web-proxy").get(),
        client.rbac().roleBindings().inNamespace(NS).withName("web-proxy").get());
    Map<String, String> versions = new LinkedHashMap<>();
    owned.forEach(o -> versions.put(o.getKind() + " " + o.getMetadata().getName(),
        o.getMetadata().getResourceVersion()));
    assertThat(versions.keySet()).containsExactlyElementsOf(OWNED);
    return versions;
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace(NS).withName("web-proxy").get();
  }

  private StickyPool loadPool() throws Exception {
    try (var in = new FileInputStream("samples/pool-cookie.yaml")) {
      StickyPool p = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
      p.getMetadata().setNamespace(NS);
      return p;
    }
  }

  /** Two ready pods; {@code revision} is an unrelated label that only makes the slice change. */
  private static EndpointSlice slice(String revision) {
    var builder = new EndpointSliceBuilder().withNewMetadata().withName("web-abc").withNamespace(NS)
        .addToLabels("kubernetes.io/service-name", "web").addToLabels("example.com/rev", revision)
        .endMetadata().withAddressType("IPv4");
    for (int i = 0; i < 2; i++) {
      builder.addNewEndpoint().withAddresses("10.0.0." + (i + 1))
          .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
          .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName("web-" + i)
              .withNamespace(NS).build())
          .endEndpoint();
    }
    return builder.addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build();
  }
}
