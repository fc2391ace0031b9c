package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator's admin HTTP server (health, readiness, metrics) with the operator on a real API server. */
class OperatorAdminApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);

  private final KubernetesClient client = K8S.client();
  private final TestCluster cluster = new TestCluster(client, K8S.namespace());
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private final HttpClient http = HttpClient.newHttpClient();
  private URI base;

  @BeforeEach
  void start() {
    operator.start(client, cluster.operatorSettings()
        .admin(new InetSocketAddress("127.0.0.1", 0)).build());
    InetSocketAddress admin = operator.adminAddress().orElseThrow();
    base = URI.create("http://127.0.0.1:" + admin.getPort());
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void servesHealthReadinessAndJosdkMetricsAfterAReconcile() throws Exception {
    cluster.createService("web");
    cluster.writeSlice("web", 1);
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
    await().atMost(WAIT).until(() -> cluster.routes("web") != null);

    await().atMost(WAIT).untilAsserted(() -> {
      HttpResponse<String> metrics = get("/metrics", "GET");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
          t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
      assertThat(metrics.body())
          .contains("operator_sdk_reconciliations_started_total{")
          .contains("operator_sdk_reconciliations_success_total{")
          .contains("operator_sdk_controllers_execution_reconcile_success_total{")
          .contains("operator_sdk_reconciliations_executions_stickypool{")
          .contains("jvm_memory_used_bytes");
    });
    HttpResponse<String> ready = get("/readyz", "GET");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("operator: ready", "leader election: off");
    assertThat(get("/healthz", "GET").statusCode()).isEqualTo(200);
  }

  @Test
  void answersUnknownPathsWith404AndOtherMethodsWith405() throws Exception {
    assertThat(get("/nope", "GET").statusCode()).isEqualTo(404);
    HttpResponse<String> post = get("/metrics", "POST");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void stopsServingAndIsNotReadyOnceStopped() throws Exception {
    operator.stop();
    assertThat(operator.readiness()).isEqualTo(
        new io.stickypool.operator.admin.Readiness(false, "operator: stopped\nleader election: off\n"));
    // the admin server stops with the operator: nothing listens any more
    Assertions.assertThatThrownBy(() -> get("/healthz", "GET")).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void reportsATakenPortClearly() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      StickyPoolOperator second = new StickyPoolOperator();
      try {
        Assertions.assertThatThrownBy(() -> second.start(client, cluster.operatorSettings()
                .admin(new InetSocketAddress("127.0.0.1", taken.getLocalPort())).build()))
            .isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining("admin server cannot bind 127.0.0.1:" + taken.getLocalPort());
      } finally {
        second.stop();
      }
    }
  }

  private HttpResponse<String> get(String path, String method) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
