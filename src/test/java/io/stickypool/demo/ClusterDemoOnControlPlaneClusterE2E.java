package io.stickypool.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.sandbox.controlplane.LocalControlPlane;
import io.stickypool.testing.Kubectl;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make demo-cluster ARGS=--short} in-process, on the tests' real control plane: the real
 * Deployment, ReplicaSet and EndpointSlice controllers and KWOK's kubelet carry the story, its
 * containers run on loopback, and a user's {@code kubectl get events -w}, started in another
 * "terminal" before the story, sees the drain as it happens.
 */
class ClusterDemoOnControlPlaneClusterE2E {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.cluster();

  @Test
  @Timeout(240)
  void theStoryRunsOnRealControllersAndKubectlWatchesItsEventsLive(@TempDir Path tmp) throws Exception {
    LocalControlPlane plane = K8S.controlPlane();
    Kubectl kubectl = new Kubectl(plane.kubectl(), plane.kubeconfig(), tmp);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(new ClusterDemoE2E.TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);

    ClusterDemoSummary s;
    String watched;
    try (Kubectl.Background events = kubectl.start("get", "events", "-w", "-n", K8S.namespace(),
        "--request-timeout=200s");
         DemoPlatform platform = ControlPlanePlatform.on(plane, K8S.namespace(), both)) {
      s = new ClusterDemo(both, ClusterDemoOptions.shortRun(40, false)).run(platform);
      watched = events.output();
      assertThat(events.isAlive()).as("the watch was still running: %s", watched).isTrue();
    }

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(s.removed()).as("pods the real ReplicaSet controller deleted").hasSize(2)
        .allSatisfy(pod -> assertThat(pod).matches("web-[a-z0-9]+-[a-z0-9]+"));
    ClusterDemoE2E.assertStoryHeldTogether(s);
    assertThat(s.eventReasons()).contains("BackendDraining", "BackendDrained", "SessionsRebalanced", "BackendRemoved");
    assertThat(s.ok()).isTrue();
    assertThat(text).contains("a real Kubernetes control plane v1.37.2").contains("get events -w")
        .containsPattern("pod web-[a-z0-9]+-[a-z0-9]+ \\(IP 10\\.244\\.\\d+\\.\\d+ on kwok-node-0, made up\\)")
        .contains("deleted by KWOK").contains("RESULT: OK").doesNotContain("[simulator]");
    // What the user in the other terminal saw, from the API server's own event stream.
    for (String pod : s.removed()) {
      assertThat(watched).containsPattern("BackendDraining\\s+stickypool/web\\s+Backend " + pod + " draining");
      assertThat(watched).containsPattern("BackendRemoved\\s+stickypool/web\\s+Backend " + pod);
    }
    assertThat(watched).containsPattern("SessionsRebalanced\\s+stickypool/web\\s+\\d+ sessions moved from");
    // ... and the real controllers' own events around them.
    assertThat(watched).contains("ScalingReplicaSet").contains("SuccessfulDelete");
  }
}
