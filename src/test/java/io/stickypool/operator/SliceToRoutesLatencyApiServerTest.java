package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.stickypool.operator.model.RoutesConfigMapModel;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Measures (does not time-assert) how long an EndpointSlice change takes to reach the routes
 * ConfigMap through the real operator: the clock starts before the slice write and stops when a
 * watch on the ConfigMap sees the new snapshot version, i.e. what a proxy's watch would see.
 * Every hop is real (kube-apiserver and etcd, the operator's informers and a watch), all on one
 * loaded machine: the figures are printed and written to target/operator-latency.txt, never
 * asserted; the closing notes quote them.
 */
class SliceToRoutesLatencyApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final int CHANGES = 40;

  private final KubernetesClient client = K8S.client();

  @Test
  void everySliceChangeIsPublishedOnceAndMeasured() throws IOException {
    TestCluster cluster = new TestCluster(client, K8S.namespace());
    String ns = cluster.namespace();
    StickyPoolOperator operator = new StickyPoolOperator();
    operator.start(client, cluster.operatorSettings().build());
    Map<Long, Long> seenAtNanos = new ConcurrentHashMap<>();
    try {
      cluster.createService("web");
      cluster.writeSlice("web", 3);
      cluster.createPool(cluster.samplePool("pool-cookie.yaml"));
      await().atMost(Duration.ofSeconds(45)).until(() -> cluster.routesVersion("web") >= 1);
      var watch = client.configMaps().inNamespace(ns).withName("web-routes").watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, ConfigMap cm) {
          String v = cm.getMetadata().getAnnotations().get(RoutesConfigMapModel.SNAPSHOT_VERSION_ANNOTATION);
          seenAtNanos.putIfAbsent(Long.parseLong(v), System.nanoTime());
        }

        @Override
        public void onClose(WatcherException cause) {}
      });
      List<Double> millis = new ArrayList<>();
      try (watch) {
        for (int i = 0; i < CHANGES; i++) {
          long expected = cluster.routesVersion("web") + 1;
          boolean drain = i % 2 == 0;
          long start = System.nanoTime();
          cluster.writeSlice("web", "web-abc", 0, 3, 8080,
              e -> drain && "10.0.0.3".equals(e.getAddresses().get(0)) ? TestCluster.terminating(e) : e);
          await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
              .until(() -> seenAtNanos.containsKey(expected));
          millis.add((seenAtNanos.get(expected) - start) / 1e6);
          assertThat(cluster.backendStates("web")).contains(drain ? "web-2=Draining" : "web-2=Active");
          assertThat(seenAtNanos).as("exactly one new version per change").doesNotContainKey(expected + 1);
        }
      }
      report(millis);
    } finally {
      operator.stop();
    }
  }

  private static void report(List<Double> millis) throws IOException {
    Collections.sort(millis);
    String line = String.format(
        "EndpointSlice write -> routes ConfigMap watched (real kube-apiserver + etcd, in-JVM operator): n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms%n",
        millis.size(), pct(millis, 50), pct(millis, 90), pct(millis, 99), millis.get(millis.size() - 1));
    System.out.print(line);
    Files.writeString(Path.of("target/operator-latency.txt"), line);
  }

  private static double pct(List<Double> sorted, int p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, idx));
  }
}
