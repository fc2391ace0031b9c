package io.stickypool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The operator's first words to a user whose cluster is missing or not ready for it: one line with
 * what it tried and what to do, never a page of informer stack traces.
 */
class ClusterCheckTest {
  private static final String POOLS = "/apis/stickypool.io/v1alpha1";
  private KubernetesMockServer server;

  @BeforeEach
  void startServer() {
    server = new KubernetesMockServer(false);
    server.start();
    server.expect().get().withPath("/version")
        .andReturn(200, "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.0\"}").always();
  }

  @AfterEach
  void stopServer() {
    server.destroy();
  }

  @Test
  void aClusterWithoutTheCrdIsToldToInstallIt() {
    try (KubernetesClient client = server.createClient()) {
      assertThat(ClusterCheck.problem(client, Set.of(), Map.of())).hasValueSatisfying(line -> assertThat(line)
          .contains("does not serve StickyPools", "kubectl apply -f crds/stickypools.stickypool.io-v1.yml")
          .doesNotContain("\n"));
    }
  }

  @Test
  void anAccountThatMayNotListPoolsIsToldWhichNamespaceAndWhatToGrant() {
    server.expect().get().withPath(POOLS + "/namespaces/team-a/stickypools?limit=1")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").build()).always();
    try (KubernetesClient client = server.createClient()) {
      assertThat(ClusterCheck.problem(client, Set.of("team-a"), Map.of())).hasValueSatisfying(line -> assertThat(line)
          .contains("not allowed to list StickyPools in namespace team-a", "ClusterRole", "--namespace"));
    }
  }

  @Test
  void aClusterThatServesPoolsHasNoProblem() {
    server.expect().get().withPath(POOLS + "/stickypools?limit=1")
        .andReturn(200, "{\"apiVersion\":\"stickypool.io/v1alpha1\",\"kind\":\"StickyPoolList\",\"items\":[]}")
        .always();
    try (KubernetesClient client = server.createClient()) {
      assertThat(ClusterCheck.problem(client, Set.of(), Map.of())).isEmpty();
    }
  }

  @Test
  void noApiServerAtTheKubeconfigsAddressSaysWhereItLookedInOneLineAndExits1(@TempDir Path dir)
      throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Path kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d"}}]
        users: [{name: u, user: {token: abc}}]
        contexts: [{name: x, context: {cluster: c, user: u}}]
        current-context: x
        """.formatted(closedPort));
    String previous = System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
    try {
      StringWriter err = new StringWriter();
      CommandLine cli = StickyPoolMain.commandLine().setErr(new PrintWriter(err));
      int exit = cli.execute("operator", "--admin-port=0");
      assertThat(exit).isEqualTo(1);
      assertThat(err.toString().strip()).doesNotContain("\n").startsWith("stickypool operator: ")
          .contains("cannot reach the Kubernetes API server at https://127.0.0.1:" + closedPort,
              "connection refused", "make demo");
    } finally {
      if (previous == null) {
        System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
      } else {
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, previous);
      }
    }
  }

  @Test
  void theConfigSourceNamesTheKubeconfigOrSaysThereIsNone() {
    assertThat(ClusterCheck.configSource(Map.of("KUBECONFIG", "/x/config"))).isEqualTo("from KUBECONFIG=/x/config");
    if (!Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"))) {
      assertThat(ClusterCheck.configSource(Map.of())).contains("KUBECONFIG is unset", "not a pod");
      assertThat(ClusterCheck.configSource(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1")))
          .isEqualTo("from the pod's in-cluster config");
    }
  }
}
