package io.stickypool.proxy.routes.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.ProxyRbacModel;
import io.stickypool.testing.RecordingRoutesListener;
import io.stickypool.testing.RoutesConfigMaps;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ConfigMap source against a real API server: deliveries, errors and recoveries. The source
 * reads as the pool's proxy does, as ServiceAccount {@code web-proxy} holding only the Role the
 * operator gives it (get/list/watch on {@code web-routes} by name), so these tests also show that
 * a name-restricted Role is enough for the source's list, watch and probe.
 */
class ConfigMapRoutesSourceApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final Duration PROBE = Duration.ofMillis(200);

  private final ConfigMapRef ref = new ConfigMapRef(K8S.namespace(), pool().routesName());
  private final RoutesConfigMaps configMaps = new RoutesConfigMaps(K8S.client(), ref);
  private final RecordingRoutesListener recorder = new RecordingRoutesListener();
  private KubernetesClient proxyClient;
  private ConfigMapRoutesSource source;

  @BeforeAll
  static void grantTheProxyRole() {
    KubernetesClient admin = K8S.client();
    // The operator's Role and binding for pool "web", without the owner reference to a pool that
    // does not exist here (nothing collects garbage on this level anyway).
    for (HasMetadata o : List.of(ProxyRbacModel.role(pool()), ProxyRbacModel.roleBinding(pool()))) {
      o.getMetadata().setOwnerReferences(null);
      admin.resource(o).inNamespace(K8S.namespace()).create();
    }
  }

  /** Pool "web" of this class's namespace: only its names and Role are used. */
  static PoolIdentity pool() {
    return new PoolIdentity("web", K8S.namespace(), "unused", 1L);
  }

  /** A client acting as the pool's proxy pods: ServiceAccount web-proxy of the namespace. */
  static KubernetesClient asProxy() {
    String ns = K8S.namespace();
    return K8S.controlPlane().impersonating("system:serviceaccount:" + ns + ":" + pool().proxyName(),
        "system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated");
  }

  @BeforeEach
  void setUp() {
    proxyClient = asProxy();
    source = new ConfigMapRoutesSource(proxyClient, ref, TIMEOUT, PROBE);
  }

  @AfterEach
  void tearDown() {
    source.close();
    proxyClient.close();
    configMaps.delete();
  }

  private static String doc(long version, int port) {
    return RoutesConfigMaps.document(version, Map.of("a", port));
  }

  private static List<Long> versions(List<RoutingSnapshot> snapshots) {
    List<Long> out = new ArrayList<>();
    snapshots.forEach(s -> out.add(s.version()));
    return out;
  }

  private String notFound() {
    return "ConfigMap " + ref + " not found";
  }

  @Test
  void deliversTheExistingSnapshotBeforeStartReturns() throws Exception {
    configMaps.write(doc(4, 18081));

    source.start(recorder);

    assertThat(versions(recorder.routes)).containsExactly(4L);
    assertThat(recorder.origins).containsExactly("configmap:" + ref);
    assertThat(recorder.errors).isEmpty();
    assertThat(recorder.last().backends().get(0).port()).isEqualTo(18081);
  }

  @Test
  void deliversCreationAndEachUpdateInOrder() throws Exception {
    source.start(recorder);
    assertThat(recorder.errors).containsExactly(notFound());

    for (int v = 1; v <= 3; v++) {
      configMaps.write(doc(v, 18080 + v));
      int want = v;
      await().atMost(TIMEOUT).until(() -> recorder.routes.size() == want);
    }

    assertThat(versions(recorder.routes)).containsExactly(1L, 2L, 3L);
    assertThat(recorder.last().backends().get(0).port()).isEqualTo(18083);
  }

  /**
   * Changes made right after start, before or after the watch opens, all arrive in order: the
   * informer watches from its list's resourceVersion, and the API server replays what happened
   * since. (The CRUD mock did not, so the old tests waited for the watch before changing anything.)
   */
  @Test
  void deliversChangesMadeBetweenTheListAndTheWatch() throws Exception {
    // Only the watch delivers here: a probe read of the latest version could come first.
    source = new ConfigMapRoutesSource(proxyClient, ref, TIMEOUT, Duration.ofMinutes(10));
    configMaps.write(doc(1, 18081));
    source.start(recorder);

    boolean watchOpen = source.watching();
    configMaps.delete();
    configMaps.write(doc(2, 18082));
    configMaps.write(doc(3, 18083));

    await().atMost(TIMEOUT).until(() -> recorder.routes.size() == 3);
    System.out.println("changes made with the watch " + (watchOpen ? "already open" : "not open yet"));
    assertThat(versions(recorder.routes)).containsExactly(1L, 2L, 3L);
    assertThat(recorder.errors).containsExactly(notFound());
  }

  @Test
  void ignoresAnUpdateThatKeepsTheVersion() throws Exception {
    configMaps.write(doc(2, 18081));
    source.start(recorder);

    configMaps.write(doc(2, 18081) + "# edited by hand\n");

    await().during(Duration.ofMillis(500)).atMost(TIMEOUT)
        .until(() -> recorder.routes.size() == 1 && recorder.errors.isEmpty());
  }

  @Test
  void reportsInvalidContentByFieldAndDeliversTheNextValidUpdate() throws Exception {
    configMaps.write(doc(1, 18081));
    source.start(recorder);

    configMaps.write(doc(2, 0));
    await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
    assertThat(recorder.errors.get(0))
        .startsWith("ConfigMap " + ref + " key proxy.json: backends[0].port")
        .contains("line");
    assertThat(versions(recorder.routes)).containsExactly(1L);

    configMaps.write(doc(3, 18083));
    await().atMost(TIMEOUT).until(() -> recorder.routes.size() == 2);
    assertThat(recorder.last().version()).isEqualTo(3);
  }

  @Test
  void reportsAMissingKey() throws Exception {
    configMaps.write(doc(1, 18081));
    source.start(recorder);

    configMaps.writeData(Map.of("other.json", "{}"));

    await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
    assertThat(recorder.errors).containsExactly("ConfigMap " + ref + " has no key proxy.json");
    assertThat(recorder.routes).hasSize(1);
  }

  @Test
  void reportsDeletionKeepsTheLastGoodAndDeliversTheRecreatedOne() throws Exception {
    configMaps.write(doc(5, 18081));
    source.start(recorder);

    configMaps.delete();
    await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
    assertThat(recorder.errors).containsExactly(notFound());
    assertThat(recorder.routes).hasSize(1);

    // Re-created at the same version: delivered again, so the listener knows it is current.
    configMaps.write(doc(5, 18081));
    await().atMost(TIMEOUT).until(() -> recorder.routes.size() == 2);
    assertThat(versions(recorder.routes)).containsExactly(5L, 5L);
  }

  @Test
  void deliversARoutesChangeThatAlsoChangesTheProxyBlock() throws Exception {
    configMaps.write(doc(1, 18081));
    source.start(recorder);

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
    source.start(recorder);
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
