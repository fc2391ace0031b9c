package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.BackendPort;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.TargetRef;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code samples/pool-*.yaml}, applied as its header says, becomes Ready on a real API server
 * with the real operator, each in a namespace of its own (several samples share a Service name),
 * so everything the operator writes for it passes the server's validation and admission. The
 * Service and the sidecar target come from the other sample files when one of them defines it
 * (backend-app.yaml, frontend-app.yaml); pool-header.yaml's Service "api" has no sample, so it is
 * made with the port the pool names. Backend pods carry the sample Deployment's grace period, so
 * the pool also checks that the sample backend waits out its drain. On this level no controller
 * runs: the test writes the EndpointSlice as the endpoints controller would.
 */
class SamplesApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path SAMPLES = Path.of("samples");

  private final KubernetesClient client = K8S.client();
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private TestCluster cluster;
  private String ns;

  /** The sample's own namespace, and the operator watching only it. */
  private void start(String file) {
    ns = K8S.namespace() + "-" + file.replace(".yaml", "");
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
        .build()).create();
    cluster = new TestCluster(client, ns);
    // No proxy pod is asked for sessions: should a *ClusterTest have raised this JVM's control plane
    // to the cluster level, KWOK runs the proxy pods with fake IPs that must get no traffic.
    operator.start(client, cluster.operatorSettings().nativeSidecars(true)
        .adminTargets(pod -> Optional.empty()).build());
  }

  @AfterEach
  void stop() {
    operator.stop();
    if (ns != null) {
      client.namespaces().withName(ns).delete();
    }
  }

  static Stream<String> poolSamples() throws IOException {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      List<String> pools = files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("pool-") && n.endsWith(".yaml")).sorted().toList();
      assertThat(pools).isNotEmpty();
      return pools.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("poolSamples")
  void becomesReadyWithTheSampleWorkloads(String file) {
    start(file);
    StickyPool pool = cluster.samplePool(file);
    String name = pool.getMetadata().getName();
    String service = pool.getSpec().getBackend().getService();
    Optional<Deployment> backend = createBackend(service, pool.getSpec().getBackend().getPort());
    cluster.writeSlice(service, 2);
    TargetRef target = pool.getSpec().getProxy() == null ? null : pool.getSpec().getProxy().getTargetRef();
    if (target != null) {
      createSampleObjectsDefining(target.getKind().name(), target.getName());
    }

    cluster.createPool(pool);

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.condition(name, ConditionTypes.READY)).as(file).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getReason()).isEqualTo("Reconciled");
      });
      if (backend.isPresent()) {
        assertThat(cluster.condition(name, ConditionTypes.DRAIN_FITS_GRACE_PERIOD)).as(file)
            .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("GracePeriodSufficient"));
      }
    });
    assertThat(cluster.backendStates(name)).containsExactly(service + "-0=Active", service + "-1=Active");
    if (pool.getSpec().getProxy() != null && pool.getSpec().getProxy().getMode() == ProxyMode.Sidecar) {
      await().atMost(WAIT).untilAsserted(() -> assertThat(
          cluster.condition(name, ConditionTypes.SIDECAR_INJECTED)).as(file)
          .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True")));
      Deployment workload = client.apps().deployments().inNamespace(ns).withName(target.getName()).get();
      assertThat(workload.getSpec().getTemplate().getSpec().getInitContainers())
          .extracting(c -> c.getName()).containsExactly("stickypool-proxy");
    } else {
      assertThat(client.apps().deployments().inNamespace(ns).withName(name + "-proxy").get())
          .as("the proxy Deployment of " + file).isNotNull();
    }
  }

  /**
   * Creates the Service from the sample that defines it, with pods shaped like the sample
   * Deployment it selects; otherwise a Service offering the pool's port and no pods.
   */
  private Optional<Deployment> createBackend(String service, BackendPort port) {
    Optional<Service> sample = sampleObjects().stream().filter(Service.class::isInstance)
        .map(Service.class::cast).filter(s -> service.equals(s.getMetadata().getName())).findFirst();
    if (sample.isEmpty()) {
      client.services().inNamespace(ns).resource(new ServiceBuilder()
          .withNewMetadata().withName(service).endMetadata()
          .withNewSpec().addNewPort().withName("http")
          .withPort(port.getNumber() != null ? port.getNumber() : 80)
          .withTargetPort(new IntOrString(8080)).endPort().endSpec().build()).create();
      return Optional.empty();
    }
    client.services().inNamespace(ns).resource(sample.get()).create();
    Map<String, String> selector = sample.get().getSpec().getSelector();
    Optional<Deployment> deployment = sampleObjects().stream().filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet()
            .containsAll(selector.entrySet()))
        .findFirst();
    deployment.ifPresent(d -> cluster.createBackendPods(service, 2,
        d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()));
    return deployment;
  }

  /** Creates every object of the sample file that defines {@code kind/name}. */
  private void createSampleObjectsDefining(String kind, String name) {
    List<HasMetadata> objects = sampleFiles().stream().map(this::load)
        .filter(items -> items.stream().anyMatch(o -> kind.equals(o.getKind())
            && name.equals(o.getMetadata().getName())))
        .findFirst().orElseThrow(() -> new AssertionError("no sample defines " + kind + " " + name));
    objects.forEach(o -> client.resource(o).inNamespace(ns).create());
  }

  private List<HasMetadata> sampleObjects() {
    return sampleFiles().stream().flatMap(f -> load(f).stream()).toList();
  }

  /** The workload and Service samples, i.e. everything that is neither a pool nor proxy config. */
  private static List<Path> sampleFiles() {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-app.yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<HasMetadata> load(Path file) {
    try (var in = new FileInputStream(file.toFile())) {
      return client.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
