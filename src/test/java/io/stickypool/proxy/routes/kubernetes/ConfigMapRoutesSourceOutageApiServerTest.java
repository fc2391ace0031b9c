package io.stickypool.proxy.routes.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stickypool.testing.LoopbackForwarder;
import io.stickypool.testing.RecordingRoutesListener;
import io.stickypool.testing.RoutesConfigMaps;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API server goes away: the source reports it and keeps the last good routes, and delivers
 * again once the server answers on the same address. The real API server is shared with other
 * test classes and cannot be stopped, so the source reaches it through a {@link
 * LoopbackForwarder} that the test cuts (listener and every connection closed: what clients see
 * of a server that went down) and restores on the same port. The server keeps its objects
 * throughout, and can be written to directly while the source is cut off.
 */
class ConfigMapRoutesSourceOutageApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PROBE = ConfigMapRoutesSourceApiServerTest.PROBE;

  private final ConfigMapRef ref = new ConfigMapRef(K8S.namespace(), "web-routes");
  private final RoutesConfigMaps configMaps = new RoutesConfigMaps(K8S.client(), ref);
  private final RecordingRoutesListener recorder = new RecordingRoutesListener();

  @AfterEach
  void deleteTheConfigMap() {
    configMaps.delete();
  }

  @Test
  void reportsALostApiServerAndDeliversAgainWhenItReturns() throws Exception {
    configMaps.write(RoutesConfigMaps.document(7, Map.of("a", 18081)));
    try (LoopbackForwarder forwarder = LoopbackForwarder.start(apiServerPort());
        KubernetesClient client = clientFor("https://127.0.0.1:" + forwarder.port());
        ConfigMapRoutesSource source = new ConfigMapRoutesSource(client, ref, Duration.ofSeconds(10), PROBE)) {
      source.start(recorder);
      assertThat(recorder.routes).hasSize(1);
      assertThat(forwarder.accepted()).as("the source reads through the forwarder").isPositive();

      forwarder.cut();
      await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
      assertThat(recorder.errors.get(0)).startsWith("API server unreachable: ");
      assertThat(recorder.routes).hasSize(1);

      forwarder.restore();
      // Delivered again at the same version: the listener learns the routes are current.
      await().atMost(TIMEOUT).until(() -> recorder.routes.size() == 2);
      assertThat(recorder.last().version()).isEqualTo(7);
    }
  }

  @Test
  void deliversWhatChangedDuringTheOutageOnceTheApiServerReturns() throws Exception {
    configMaps.write(RoutesConfigMaps.document(7, Map.of("a", 18081)));
    try (LoopbackForwarder forwarder = LoopbackForwarder.start(apiServerPort());
        KubernetesClient client = clientFor("https://127.0.0.1:" + forwarder.port());
        ConfigMapRoutesSource source = new ConfigMapRoutesSource(client, ref, Duration.ofSeconds(10), PROBE)) {
      source.start(recorder);

      forwarder.cut();
      await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
      // The operator, which still reaches the API server, publishes a new snapshot meanwhile.
      configMaps.write(RoutesConfigMaps.document(8, Map.of("a", 18082)));
      assertThat(recorder.routes).hasSize(1);

      forwarder.restore();
      await().atMost(TIMEOUT).until(() -> recorder.last().version() == 8);
      assertThat(recorder.last().backends().get(0).port()).isEqualTo(18082);
      assertThat(recorder.routes).extracting(r -> r.version()).containsExactly(7L, 8L);
    }
  }

  @Test
  void reportsAnApiServerDownAtStartAndStillReturnsFromStart() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (KubernetesClient client = clientFor("https://127.0.0.1:" + closedPort);
        ConfigMapRoutesSource source = new ConfigMapRoutesSource(client, ref, Duration.ofSeconds(10), PROBE)) {
      source.start(recorder);

      assertThat(recorder.errors).isNotEmpty();
      assertThat(recorder.errors.get(0)).startsWith("API server unreachable: ");
      assertThat(recorder.routes).isEmpty();
    }
  }

  @Test
  void reportsAnApiServerThatNeverAnswersAfterTheStartWait() throws Exception {
    // Connections are accepted by the kernel's backlog, but nothing ever answers (not even TLS).
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KubernetesClient client = clientFor("https://127.0.0.1:" + silent.getLocalPort());
        ConfigMapRoutesSource source = new ConfigMapRoutesSource(client, ref, Duration.ofMillis(300), PROBE)) {
      long started = System.nanoTime();
      source.start(recorder);

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(recorder.errors).containsExactly(
          "no answer from the API server for ConfigMap " + ref + " within 300ms; still trying");
      assertThat(recorder.routes).isEmpty();
    }
  }

  private static int apiServerPort() {
    return URI.create(K8S.controlPlane().serverUrl()).getPort();
  }

  /**
   * The admin's credentials at {@code url}, with short reconnect intervals and no request
   * retries, so an outage shows within seconds.
   */
  private static KubernetesClient clientFor(String url) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder(K8S.client().getConfiguration())
            .withMasterUrl(url)
            .withWatchReconnectInterval(200)
            .withRequestRetryBackoffLimit(0)
            .build())
        .build();
  }
}
