package io.stickypool.proxy.routes.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.testing.RecordingRoutesListener;
import io.stickypool.testing.RoutesConfigMaps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ConfigMap source against the CRUD mock API server: deliveries, errors and recoveries. */
@EnableKubernetesMockClient(crud = true)
class ConfigMapRoutesSourceMockServerTest {
  static final ConfigMapRef REF = new ConfigMapRef("shop", "web-routes");
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final Duration PROBE = Duration.ofMillis(200);

  KubernetesMockServer server;
  KubernetesClient client;
  private RoutesConfigMaps configMaps;
  private final RecordingRoutesListener recorder = new RecordingRoutesListener();
  private ConfigMapRoutesSource source;

  @BeforeEach
  void setUp() {
    configMaps = new RoutesConfigMaps(client, REF);
    source = new ConfigMapRoutesSource(client, REF, TIMEOUT, PROBE);
  }

  @AfterEach
  void tearDown() {
    source.close();
  }

  /** Starts the source and waits for its watch, so a change made next reaches it as an event. */
  private void startWatching() throws InterruptedException {
    source.start(recorder);
    await().atMost(TIMEOUT).until(source::watching);
  }

  private static String doc(long version, int port) {
    return RoutesConfigMaps.document(version, Map.of("a", port));
  }

  private static List<Long> versions(List<RoutingSnapshot> snapshots) {
    List<Long> out = new ArrayList<>();
    snapshots.forEach(s -> out.add(s.version()));
    return out;
  }

  @Test
  void deliversTheExistingSnapshotBeforeStartReturns() throws Exception {
    configMaps.write(doc(4, 18081));

    source.start(recorder);

    assertThat(versions(recorder.routes)).containsExactly(4L);
    assertThat(recorder.origins).containsExactly("configmap:shop/web-routes");
    assertThat(recorder.errors).isEmpty();
    assertThat(recorder.last().backends().get(0).port()).isEqualTo(18081);
  }

  @Test
  void deliversCreationAndEachUpdateInOrder() throws Exception {
    startWatching();
    assertThat(recorder.errors).containsExactly("ConfigMap shop/web-routes not found");

    for (int v = 1; v <= 3; v++) {
      configMaps.write(doc(v, 18080 + v));
      int want = v;
      await().atMost(TIMEOUT).until(() -> recorder.routes.size() == want);
    }

    assertThat(versions(recorder.routes)).containsExactly(1L, 2L, 3L);
    assertThat(recorder.last().backends().get(0).port()).isEqualTo(18083);
  }

  @Test
  void ignoresAnUpdateThatKeepsTheVersion() throws Exception {
    configMaps.write(doc(2, 18081));
    startWatching();

    configMaps.write(doc(2, 18081) + "# edited by hand\n");

    await().during(Duration.ofMillis(500)).atMost(TIMEOUT)
        .until(() -> recorder.routes.size() == 1 && recorder.errors.isEmpty());
  }

  @Test
  void reportsInvalidContentByFieldAndDeliversTheNextValidUpdate() throws Exception {
    configMaps.write(doc(1, 18081));
    startWatching();

    configMaps.write(doc(2, 0));
    await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
    assertThat(recorder.errors.get(0))
        .startsWith("ConfigMap shop/web-routes key proxy.json: backends[0].port")
        .contains("line");
    assertThat(versions(recorder.routes)).containsExactly(1L);

    configMaps.write(doc(3, 18083));
    await().atMost(TIMEOUT).until(() -> recorder.routes.size() == 2);
    assertThat(recorder.last().version()).isEqualTo(3);
  }

  @Test
  void reportsAMissingKey() throws Exception {
    configMaps.write(doc(1, 18081));
    startWatching();

    configMaps.writeData(Map.of("other.json", "{}"));

    await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
    assertThat(recorder.errors).containsExactly("ConfigMap shop/web-routes has no key proxy.json");
    assertThat(recorder.routes).hasSize(1);
  }

  @Test
  void reportsDeletionKeepsTheLastGoodAndDeliversTheRecreatedOne() throws Exception {
    configMaps.write(doc(5, 18081));
    startWatching();

    configMaps.delete();
    await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
    assertThat(recorder.errors).containsExactly("ConfigMap shop/web-routes not found");
    assertThat(recorder.routes).hasSize(1);

    // Re-created at the same version: delivered again, so the listener knows it is current.
    configMaps.write(doc(5, 18081));
    await().atMost(TIMEOUT).until(() -> recorder.routes.size() == 2);
    assertThat(versions(recorder.routes)).containsExactly(5L, 5L);
  }

  @Test
  void deliversARoutesChangeThatAlsoChangesTheProxyBlock() throws Exception {
    configMaps.write(doc(1, 18081));
    startWatching();

    // The listen change is only logged (restart needed); the routes still apply.
    configMaps.write(doc(2, 18082).replace("listen: 127.0.0.1:0", "listen: 127.0.0.1:8089"));

    await().atMost(TIMEOUT).until(() -> recorder.routes.size() == 2);
    assertThat(recorder.errors).isEmpty();
  }

  /**
   * Prints, without asserting, how long an update takes to reach the listener: from just before
   * the test's write (which itself takes a GET and a PATCH) to the delivery.
   */
  @Test
  void measuresUpdateToDeliveryLatency() throws Exception {
    configMaps.write(doc(1, 18081));
    startWatching();
    int updates = 30;
    List<Long> micros = new ArrayList<>();
    List<Long> writeMicros = new ArrayList<>();
    for (int v = 2; v <= updates + 1; v++) {
      long before = System.nanoTime();
      configMaps.write(doc(v, 18081));
      writeMicros.add((System.nanoTime() - before) / 1000);
      int want = v;
      await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(1)).until(() -> recorder.routes.size() == want);
      micros.add((recorder.deliveredAtNanos.get(want - 1) - before) / 1000);
    }
    System.out.println("ConfigMap update -> onRoutes over " + updates + " updates: " + percentiles(micros)
        + "; the test's write alone: " + percentiles(writeMicros));
    assertThat(versions(recorder.routes)).hasSize(updates + 1);
  }

  private static String percentiles(List<Long> micros) {
    List<Long> sorted = new ArrayList<>(micros);
    sorted.sort(null);
    int n = sorted.size();
    return String.format("p50 %.1f ms, p99 %.1f ms", sorted.get(n / 2) / 1000.0,
        sorted.get((int) Math.ceil(n * 0.99) - 1) / 1000.0);
  }
}
