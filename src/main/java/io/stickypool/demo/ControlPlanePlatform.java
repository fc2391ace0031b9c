package io.stickypool.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.sandbox.EmbeddedKubernetesApi;
import io.stickypool.sandbox.controlplane.ControlPlaneBinaries;
import io.stickypool.sandbox.controlplane.LocalControlPlane;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * `make demo-cluster`: a real control plane on 127.0.0.1 (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, built by {@code make control-plane}) with KWOK playing
 * the kubelet of one fake node, and {@link KwokNodeContainers} running the pods' containers on
 * loopback. Deployments, ReplicaSets, pod deletion cost, graceful termination and EndpointSlices are
 * all the real controllers'; kubectl (the one built beside the API server) works in full,
 * {@code get events -w} included.
 */
final class ControlPlanePlatform implements DemoPlatform {
  private static final String NS = "default";
  /** How long after a pod's deletion KWOK removes it at the earliest: after a short demo drain. */
  private static final Duration DELETE_AFTER_DRAIN = Duration.ofSeconds(3);
  /** The grace period's margin over the drain: KWOK removes the pod at a random time before its end. */
  private static final Duration GRACE_AFTER_DRAIN = Duration.ofSeconds(10);

  private final LocalControlPlane plane;
  private final boolean owned;
  private final String namespace;
  private final KwokNodeContainers node;

  private ControlPlanePlatform(LocalControlPlane plane, boolean owned, String namespace, PrintStream out) {
    this.plane = plane;
    this.owned = owned;
    this.namespace = namespace;
    this.node = new KwokNodeContainers(plane.admin(), namespace, out);
  }

  /**
   * Starts a control plane of its own in a temporary directory, removed again on close.
   *
   * @param blackholeFakeRanges see {@link LocalControlPlane#startCluster}; false on a user's machine
   */
  static ControlPlanePlatform start(ControlPlaneBinaries binaries, PrintStream out, boolean blackholeFakeRanges)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("stickypool-control-plane-");
    out.println("[demo] starting a real Kubernetes control plane in " + dir + " (binaries from " + binaries.bin() + ")");
    LocalControlPlane plane = LocalControlPlane.start(binaries, dir);
    // Ctrl-C during --keep ends the JVM: the control plane's processes must not outlive it.
    Runtime.getRuntime().addShutdownHook(new Thread(plane::close, "demo-control-plane-stop"));
    try {
      plane.startCluster(blackholeFakeRanges);
      installCrd(plane.admin());
    } catch (IOException | RuntimeException | InterruptedException e) {
      plane.close();
      throw e;
    }
    return new ControlPlanePlatform(plane, true, NS, out);
  }

  /** On a control plane that someone else runs (the tests' shared one), in its namespace. */
  static ControlPlanePlatform on(LocalControlPlane plane, String namespace, PrintStream out)
      throws IOException, InterruptedException {
    plane.startCluster(true);
    installCrd(plane.admin());
    return new ControlPlanePlatform(plane, false, namespace, out);
  }

  private static void installCrd(KubernetesClient admin) {
    LocalControlPlane.installCrd(admin, EmbeddedKubernetesApi.stickyPoolCrd(admin.getKubernetesSerialization()));
  }

  @Override
  public KubernetesClient client() {
    return plane.admin();
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public DemoNode node() {
    return node;
  }

  @Override
  public String kubectl() {
    return plane.kubectl() + " --kubeconfig " + plane.kubeconfig() + (NS.equals(namespace) ? "" : " -n " + namespace);
  }

  @Override
  public void introduce(PrintStream out) {
    out.printf("== StickyPool demo: a real Kubernetes control plane %s, the real operator, KWOK's fake node ==%n",
        plane.admin().getKubernetesVersion().getGitVersion());
    out.printf("[demo] etcd + kube-apiserver on %s ready in %.1fs; controller-manager, scheduler and KWOK node %s"
        + " in %.1fs%n", plane.serverUrl(), plane.apiServerStartup().toMillis() / 1000.0, LocalControlPlane.NODE,
        plane.clusterStartup().toMillis() / 1000.0);
    out.println("[demo] watch it from another terminal while it runs (the kubectl built with the API server):");
    out.println("         " + kubectl() + " get events -w");
    out.println("         " + kubectl() + " get sp,deploy,pods -o wide");
  }

  /**
   * The sample's Deployment with a grace period (and preStop sleep) sized for the demo's short drain, and KWOK told not
   * to end a deleted pod before the drain is over (it picks a time between that delay and the end
   * of the grace period, like an app finishing its work at some point during it).
   */
  @Override
  public List<HasMetadata> backendApp(Duration drainTimeout) {
    List<HasMetadata> items = DemoManifests.backendApp(plane.admin());
    for (HasMetadata item : items) {
      if (item instanceof Deployment d) {
        PodTemplateSpec template = d.getSpec().getTemplate();
        long grace = drainTimeout.plus(GRACE_AFTER_DRAIN).toSeconds();
        template.getSpec().setTerminationGracePeriodSeconds(grace);
        // The API server refuses a preStop sleep that is not shorter than the grace period.
        template.getSpec().getContainers().stream().filter(c -> c.getLifecycle() != null
            && c.getLifecycle().getPreStop() != null && c.getLifecycle().getPreStop().getSleep() != null)
            .forEach(c -> c.getLifecycle().getPreStop().getSleep().setSeconds(grace - 1));
        Map<String, String> annotations = new TreeMap<>();
        if (template.getMetadata().getAnnotations() != null) {
          annotations.putAll(template.getMetadata().getAnnotations());
        }
        annotations.put("pod-delete.stage.kwok.x-k8s.io/delay", drainTimeout.plus(DELETE_AFTER_DRAIN).toSeconds() + "s");
        template.getMetadata().setAnnotations(annotations);
      }
    }
    return items;
  }

  @Override
  public void close() throws Exception {
    try {
      node.close();
    } finally {
      if (owned) {
        plane.close();
        deleteTree(plane.dir());
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
