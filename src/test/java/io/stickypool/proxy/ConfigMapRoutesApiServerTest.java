package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRoutesSource;
import io.stickypool.proxy.routes.kubernetes.RoutesDocument;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.RoutesConfigMaps;
import io.stickypool.testing.TestBackend;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real proxy on loopback sockets whose routes come from a ConfigMap on a real API server: an
 * update moves new traffic within a bounded wait; a deleted ConfigMap leaves traffic on the last
 * good routes with /readyz and the stale gauge saying so; a re-created one ends the staleness.
 */
@ExtendWith(LeakDetection.class)
class ConfigMapRoutesApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final KubernetesClient client = K8S.client();
  private final ConfigMapRef ref = new ConfigMapRef(K8S.namespace(), "web-routes");
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void followsTheConfigMapAndServesTheLastGoodRoutesWhileItIsGone() throws Exception {
    RoutesConfigMaps configMaps = new RoutesConfigMaps(client, ref);
    try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b")) {
      configMaps.write(RoutesConfigMaps.document(1, Map.of("a", a.port())));
      ProxyConfig config = RoutesDocument.fetch(client, ref);
      ProxyRuntime proxy = ProxyRuntime.start(
          config, new ConfigMapRoutesSource(client, ref), KeyRing.generate(new SecureRandom()));
      try {
        int port = proxy.trafficAddress().getPort();
        int admin = proxy.adminAddress().getPort();
        assertThat(servedBy(port)).isEqualTo("a");

        configMaps.write(RoutesConfigMaps.document(2, Map.of("b", b.port())));
        await().atMost(TIMEOUT).until(() -> servedBy(port).equals("b"));

        configMaps.delete();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(AdminClient.get(admin, "/readyz").body())
            .contains("stale").contains("ConfigMap " + ref + " not found"));
        assertThat(AdminClient.get(admin, "/metrics").body()).contains("stickypool_routes_stale 1.0");
        assertThat(servedBy(port)).isEqualTo("b");

        configMaps.write(RoutesConfigMaps.document(2, Map.of("b", b.port())));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(AdminClient.get(admin, "/readyz").body())
            .startsWith("ready: snapshot version 2 from configmap:" + ref)
            .doesNotContain("stale"));
        assertThat(AdminClient.get(admin, "/metrics").body()).contains("stickypool_routes_stale 0.0");
        assertThat(servedBy(port)).isEqualTo("b");
      } finally {
        proxy.shutdown(Duration.ofMillis(200));
      }
    }
  }

  @Test
  void clearsStaleWhenABadDocumentIsRevertedToTheLastGoodOne() throws Exception {
    ConfigMapRef revert = new ConfigMapRef(K8S.namespace(), "revert-routes");
    RoutesConfigMaps configMaps = new RoutesConfigMaps(client, revert);
    try (TestBackend a = TestBackend.start("a")) {
      String good = RoutesConfigMaps.document(4, Map.of("a", a.port()));
      configMaps.write(good);
      ProxyRuntime proxy = ProxyRuntime.start(
          RoutesDocument.fetch(client, revert), new ConfigMapRoutesSource(client, revert),
          KeyRing.generate(new SecureRandom()));
      try {
        int admin = proxy.adminAddress().getPort();
        configMaps.write(good.replace("port: " + a.port(), "port: 0"));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(AdminClient.get(admin, "/readyz").body())
            .contains("stale").contains("port"));
        assertThat(AdminClient.get(admin, "/metrics").body()).contains("stickypool_routes_stale 1.0");

        configMaps.write(good);

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(AdminClient.get(admin, "/readyz").body())
            .isEqualTo("ready: snapshot version 4 from configmap:" + revert + "\n"));
        assertThat(AdminClient.get(admin, "/metrics").body()).contains("stickypool_routes_stale 0.0");
        assertThat(servedBy(proxy.trafficAddress().getPort())).isEqualTo("a");
      } finally {
        proxy.shutdown(Duration.ofMillis(200));
      }
    }
  }

  /** The backend that answered a fresh request (no affinity cookie), by its body. */
  private String servedBy(int port) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
