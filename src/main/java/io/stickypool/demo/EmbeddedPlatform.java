package io.stickypool.demo;

import io.stickypool.operator.apply.OwnedObjectWriter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.sandbox.EmbeddedKubernetesApi;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** `make demo`: fabric8's CRUD mock as the API (no cluster, nothing to build) and a {@link SimulatedNode}. */
final class EmbeddedPlatform implements DemoPlatform {
  private static final String NS = "default";

  private final EmbeddedKubernetesApi api;
  private final SimulatedNode node;
  private final Path kubeconfig;

  private EmbeddedPlatform(EmbeddedKubernetesApi api, SimulatedNode node, Path kubeconfig) {
    this.api = api;
    this.node = node;
    this.kubeconfig = kubeconfig;
  }

  static EmbeddedPlatform start(PrintStream out) throws IOException {
    EmbeddedKubernetesApi api = EmbeddedKubernetesApi.start();
    Path kubeconfig = api.writeKubeconfig(Files.createTempFile("stickypool-demo-", ".kubeconfig"));
    kubeconfig.toFile().deleteOnExit(); // it points at an API that dies with this JVM
    return new EmbeddedPlatform(api, new SimulatedNode(api.client(), NS, out), kubeconfig);
  }

  @Override
  public KubernetesClient client() {
    return api.client();
  }

  @Override
  public String namespace() {
    return NS;
  }

  @Override
  public DemoNode node() {
    return node;
  }

  @Override
  public String kubectl() {
    return "kubectl --kubeconfig " + kubeconfig;
  }

  @Override
  public void introduce(PrintStream out) {
    out.println("== StickyPool demo: embedded Kubernetes API, the real operator, a simulated node ==");
    out.println("[demo] Kubernetes API on " + api.url() + " (embedded, StickyPool CRD installed); explore it with:");
    out.println("         " + kubectl() + " get sp,deploy,pods,endpointslices,events");
  }

  @Override
  public List<HasMetadata> backendApp(Duration drainTimeout) {
    return DemoManifests.backendApp(api.client());
  }

  @Override
  public void close() throws InterruptedException {
    try {
      node.close();
    } finally {
      api.close();
    }
  }

  @Override
  public OwnedObjectWriter.Method writeMethod() {
    return OwnedObjectWriter.Method.MERGE_PATCH;
  }
}
