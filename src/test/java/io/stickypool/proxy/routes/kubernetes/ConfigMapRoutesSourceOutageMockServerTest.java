package io.stickypool.proxy.routes.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.stickypool.testing.RecordingRoutesListener;
import io.stickypool.testing.RoutesConfigMaps;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API server goes away: the source reports it and keeps the last good routes, and delivers
 * again once a server answers on the same address. The mock is restarted on the same port with
 * the same dispatcher, so it keeps its objects as a real API server would.
 */
class ConfigMapRoutesSourceOutageMockServerTest {
  private static final ConfigMapRef REF = ConfigMapRoutesSourceMockServerTest.REF;
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final RecordingRoutesListener recorder = new RecordingRoutesListener();

  @Test
  void reportsALostApiServerAndDeliversAgainWhenItReturns() throws Exception {
    KubernetesMixedDispatcher objects = new KubernetesMixedDispatcher(new HashMap<>());
    KubernetesMockServer first = serve(objects, 0);
    int port = first.getPort();
    try (KubernetesClient client = clientFor(port);
        ConfigMapRoutesSource source = new ConfigMapRoutesSource(
            client, REF, Duration.ofSeconds(10), ConfigMapRoutesSourceMockServerTest.PROBE)) {
      new RoutesConfigMaps(client, REF).write(RoutesConfigMaps.document(7, Map.of("a", 18081)));
      source.start(recorder);
      assertThat(recorder.routes).hasSize(1);

      first.destroy();
      await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
      assertThat(recorder.errors.get(0)).startsWith("API server unreachable: ");
      assertThat(recorder.routes).hasSize(1);

      KubernetesMockServer second = serve(objects, port);
      try {
        await().atMost(TIMEOUT).until(() -> recorder.routes.size() == 2);
        assertThat(recorder.last().version()).isEqualTo(7);
      } finally {
        second.destroy();
      }
    }
  }

  @Test
  void reportsAnApiServerDownAtStartAndStillReturnsFromStart() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    try (KubernetesClient client = clientFor(closedPort);
        ConfigMapRoutesSource source = new ConfigMapRoutesSource(
            client, REF, Duration.ofSeconds(10), ConfigMapRoutesSourceMockServerTest.PROBE)) {
      source.start(recorder);

      assertThat(recorder.errors).isNotEmpty();
      assertThat(recorder.errors.get(0)).startsWith("API server unreachable: ");
      assertThat(recorder.routes).isEmpty();
    }
  }

  @Test
  void reportsAnApiServerThatNeverAnswersAfterTheStartWait() throws Exception {
    // Connections are accepted by the kernel's backlog, but nothing ever answers.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        KubernetesClient client = clientFor(silent.getLocalPort());
        ConfigMapRoutesSource source = new ConfigMapRoutesSource(
            client, REF, Duration.ofMillis(300), ConfigMapRoutesSourceMockServerTest.PROBE)) {
      long started = System.nanoTime();
      source.start(recorder);

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      assertThat(recorder.errors).containsExactly(
          "no answer from the API server for ConfigMap shop/web-routes within 300ms; still trying");
      assertThat(recorder.routes).isEmpty();
    }
  }

  private static KubernetesMockServer serve(KubernetesMixedDispatcher objects, int port) {
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), objects, false);
    server.init(InetAddress.getLoopbackAddress(), port);
    return server;
  }

  /** Short reconnect intervals and no request retries, so an outage shows within seconds. */
  private static KubernetesClient clientFor(int port) {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
            .withMasterUrl("http://127.0.0.1:" + port)
            .withNamespace(REF.namespace())
            .withWatchReconnectInterval(200)
            .withRequestRetryBackoffLimit(0)
            .build())
        .build();
  }
}
