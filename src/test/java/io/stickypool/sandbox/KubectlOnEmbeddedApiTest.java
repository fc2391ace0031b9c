package io.stickypool.sandbox;

import io.stickypool.operator.OperatorSettings;
import io.stickypool.operator.apply.OwnedObjectWriter;
import io.stickypool.testing.Kubectl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.operator.StickyPoolOperator;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our "done" test: a user drives the operator with kubectl alone, against the embedded API. */
class KubectlOnEmbeddedApiTest {
  private static final String POOL = "samples/pool-cookie.yaml";
  private static final String BACKEND = "src/test/resources/sandbox/web-backend.yaml";
  private static final String NS = "default";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private EmbeddedKubernetesApi api;
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @BeforeEach
  void start() {
    api = EmbeddedKubernetesApi.start();
    // The embedded API has no server-side apply.
    operator.start(api.client(), OperatorSettings.builder("ghcr.io/stickypool/stickypool:0.1.0")
        .writeMethod(OwnedObjectWriter.Method.MERGE_PATCH).build());
  }

  @AfterEach
  void stop() {
    operator.stop();
    api.close();
  }

  @Test
  void kubectlAppliesAPoolAndSeesWhatTheOperatorMade() throws Exception {
    Kubectl kubectl = new Kubectl(Kubectl.built(), api.writeKubeconfig(tmp.resolve("kubeconfig")), tmp);

    assertThat(kubectl.ok("version")).contains("Server Version: v1.32.0");
    assertThat(kubectl.ok("api-resources")).containsPattern(
        "stickypools\\s+sp,spool\\s+stickypool.io/v1alpha1\\s+true\\s+StickyPool");
    kubectl.ok("apply", "-n", NS, "-f", BACKEND);
    kubectl.ok("apply", "-n", NS, "-f", POOL);

    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(
        activeBackends(kubectl.ok("get", "cm", "web-routes", "-o", "jsonpath={.data.proxy\\.json}")))
        .isEqualTo(3));
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(
        readyStatus(new YAMLMapper().readTree(kubectl.ok("get", "sp", "web", "-o", "yaml"))))
        .isEqualTo("True"));
    assertThat(kubectl.ok("get", "sp")).containsPattern("NAME\\s+AGE\\s+BACKENDS\\s+READY\\s+SESSIONS")
        .containsPattern("web\\s+\\S+\\s+3\\s+True");
    assertThat(kubectl.ok("get", "deploy,svc,sa,role,rolebinding")).contains(
        "deployment.apps/web-proxy", "service/web-proxy", "serviceaccount/web-proxy",
        "role.rbac.authorization.k8s.io/web-proxy",
        "rolebinding.rbac.authorization.k8s.io/web-proxy");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(kubectl.ok("get", "events")).contains("BackendAdded"));
    assertThat(kubectl.ok("describe", "sp", "web")).contains("Name:", "web", "Kind:", "StickyPool")
        .containsPattern("Events:[\\s\\S]*BackendAdded");
    assertThat(kubectl.ok("get", "all")).contains("service/web-proxy", "deployment.apps/web-proxy");
    // The scale subresource, as a user scaling the proxy (or the demo's backend) would.
    assertThat(kubectl.ok("scale", "deploy", "web-proxy", "--replicas=3")).contains("scaled");
    assertThat(kubectl.ok("get", "deploy", "web-proxy", "-o", "jsonpath={.spec.replicas}")).isEqualTo("3");
    assertThat(kubectl.ok("delete", "sp", "web")).contains("\"web\" deleted");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(kubectl.ok("get", "sp")).contains("No resources found"));
    assertThat(kubectl.ok("get", "deploy,svc,cm,secret,sa,role,rolebinding"))
        .as("the operator's finalizer removed what the pool owned; the user's Service stays")
        .doesNotContain("web-proxy", "web-routes", "web-keys");
    assertThat(kubectl.ok("get", "svc", "web")).contains("web");
  }

  @Test
  void fabric8ClientDrivesTheSameFlowAndDiscoveryIsServed() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    assertThat(json.readTree(get(http, "/version?timeout=32s")).path("gitVersion").asText())
        .isEqualTo("v1.32.0");
    assertThat(get(http, "/apis")).contains("\"stickypool.io/v1alpha1\"", "\"apps/v1\"",
        "\"discovery.k8s.io/v1\"", "\"rbac.authorization.k8s.io/v1\"");
    JsonNode pools = json.readTree(get(http, "/apis/stickypool.io/v1alpha1")).path("resources");
    assertThat(pools).anySatisfy(r -> {
      assertThat(r.path("name").asText()).isEqualTo("stickypools");
      assertThat(r.path("shortNames").toString()).isEqualTo("[\"sp\",\"spool\"]");
      assertThat(r.path("namespaced").asBoolean()).isTrue();
    });
    assertThat(pools).anySatisfy(r -> assertThat(r.path("name").asText()).isEqualTo("stickypools/status"));
    assertThat(json.readTree(get(http, "/api/v1")).path("resources").findValuesAsText("name"))
        .contains("configmaps", "services", "serviceaccounts", "events", "secrets");

    KubernetesClient client = api.client();
    for (String file : List.of(BACKEND, POOL)) {
      try (InputStream in = new FileInputStream(file)) {
        client.load(in).inNamespace(NS).create();
      }
    }
    await().atMost(WAIT).untilAsserted(() -> {
      ConfigMap cm = client.configMaps().inNamespace(NS).withName("web-routes").get();
      assertThat(cm).isNotNull();
      assertThat(activeBackends(cm.getData().get("proxy.json"))).isEqualTo(3);
    });
    await().atMost(WAIT).untilAsserted(() -> {
      GenericKubernetesResource pool = client.genericKubernetesResources("stickypool.io/v1alpha1",
          "StickyPool").inNamespace(NS).withName("web").get();
      assertThat(readyStatus(json.valueToTree(pool))).isEqualTo("True");
      assertThat(client.v1().events().inNamespace(NS).list().getItems()).extracting(Event::getReason)
          .contains("BackendAdded");
    });
    assertThat(client.apps().deployments().inNamespace(NS).withName("web-proxy").get()).isNotNull();
    client.genericKubernetesResources("stickypool.io/v1alpha1", "StickyPool").inNamespace(NS)
        .withName("web").delete();
    await().atMost(WAIT).until(() -> client.genericKubernetesResources("stickypool.io/v1alpha1",
        "StickyPool").inNamespace(NS).withName("web").get() == null);
  }

  private String get(HttpClient http, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api.url() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  private static int activeBackends(String routesJson) {
    return routesJson.split("\"Active\"", -1).length - 1;
  }

  private static String readyStatus(JsonNode pool) {
    List<String> ready = new ArrayList<>();
    pool.path("status").path("conditions").forEach(c -> {
      if ("Ready".equals(c.path("type").asText())) {
        ready.add(c.path("status").asText());
      }
    });
    return ready.isEmpty() ? "" : ready.get(0);
  }
}
