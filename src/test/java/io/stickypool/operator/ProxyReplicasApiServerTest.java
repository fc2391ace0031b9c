package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who owns the proxy Deployment's replicas, tried with {@code kubectl scale} on a real API server:
 * a pool that sets none leaves them to whoever scales the Deployment (a user, an HPA) after the
 * operator created it with 2; a pool that sets them keeps them there.
 */
class ProxyReplicasApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final KubernetesClient client = K8S.client();
  private final TestCluster cluster = new TestCluster(client, K8S.namespace());
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @BeforeEach
  void start() {
    if (client.services().inNamespace(K8S.namespace()).withName("web").get() == null) {
      cluster.createService("web"); // the class's namespace outlives each test
    }
    cluster.writeSlice("web", 2);
    operator.start(client, cluster.operatorSettings().sessionRefresh(Duration.ofMillis(300)).build());
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void leavesReplicasToKubectlScaleWhenThePoolSetsNone() throws Exception {
    StickyPool pool = cluster.samplePool("pool-cookie.yaml");
    pool.getMetadata().setName("free");
    cluster.createPool(pool);
    // Created without a count (the API server defaults it to 1), then given the default by a second
    // write under its own field manager (OwnedObjectWriter): wait for that one.
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(replicas("free-proxy")).as("created with the default").isEqualTo(2));

    kubectl("scale", "deployment", "free-proxy", "--replicas=5");
    long routesBefore = cluster.routesVersion("free");
    cluster.writeSlice("web", 3); // a change the operator must reconcile, and write routes for
    await().atMost(WAIT).until(() -> cluster.routesVersion("free") > routesBefore);
    assertThat(replicas("free-proxy")).as("kubectl scale stands after a reconcile").isEqualTo(5);
  }

  @Test
  void keepsReplicasThePoolSets() throws Exception {
    StickyPool pool = cluster.samplePool("pool-cookie.yaml");
    pool.getMetadata().setName("pinned");
    if (pool.getSpec().getProxy() == null) {
      pool.getSpec().setProxy(new io.stickypool.api.v1alpha1.Proxy());
    }
    pool.getSpec().getProxy().setReplicas(3);
    cluster.createPool(pool);
    await().atMost(WAIT).until(() -> Integer.valueOf(3).equals(replicas("pinned-proxy")));

    kubectl("scale", "deployment", "pinned-proxy", "--replicas=6");
    await().atMost(WAIT).until(() -> Integer.valueOf(3).equals(replicas("pinned-proxy")));
    cluster.editPool("pinned", p -> p.getSpec().getProxy().setReplicas(4));
    await().atMost(WAIT).until(() -> Integer.valueOf(4).equals(replicas("pinned-proxy")));
  }

  private Integer replicas(String deployment) {
    Deployment d = client.apps().deployments().inNamespace(K8S.namespace()).withName(deployment).get();
    return d == null ? null : d.getSpec().getReplicas();
  }

  private void kubectl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(K8S.controlPlane().kubectl().toString(),
        "--kubeconfig", K8S.controlPlane().kubeconfig().toString(), "-n", K8S.namespace()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), output).isZero();
  }
}
