package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.operator.AuditTrail.Request;
import io.stickypool.testing.AuditLog;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.FileInputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reconciles that change nothing must write none of the pool's objects: every write of the
 * Deployment is a rollout on a real cluster, and every write bumps a resourceVersion that other
 * controllers and watches react to. On a real API server a write that changes nothing leaves the
 * resourceVersion as it was, so the writes themselves are counted, from the API server's audit log.
 */
class OwnedObjectsApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final List<String> OWNED = List.of(
      "ConfigMap web-routes", "Secret web-keys", "Deployment web-proxy", "Service web-proxy",
      "Service web-proxy-admin",
      "ServiceAccount web-proxy", "Role web-proxy", "RoleBinding web-proxy");
  private static final java.util.Set<String> OWNED_NAMES =
      java.util.Set.of("web-routes", "web-keys", "web-proxy", "web-proxy-admin");

  private final KubernetesClient client = K8S.client();
  private final String ns = K8S.namespace();
  private final AuditTrail audit = new AuditTrail(K8S.controlPlane().auditLog(), ns);
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeEach
  void start() {
    operator.start(client, new TestCluster(client, ns).operatorSettings().metrics(metrics).build());
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void writesOwnedObjectsOnlyWhenTheyDiffer() throws Exception {
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("web")
        .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build()).create();
    client.discovery().v1().endpointSlices().inNamespace(ns).resource(slice("1")).create();
    client.resources(StickyPool.class).inNamespace(ns).resource(loadPool()).create();
    Map<String, String> settled = awaitReadyAndSettled();

    List<Request> writes = ownedWritesOfReconcileAfter(() -> {
      patchPool("{\"metadata\": {\"annotations\": {\"note\": \"unrelated\"}}}");
      client.discovery().v1().endpointSlices().inNamespace(ns).resource(slice("2")).update();
    });
    assertThat(writes).as("writes to owned objects").isEmpty();
    assertThat(versions()).isEqualTo(settled);

    client.apps().deployments().inNamespace(ns).withName("web-proxy").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\": {\"labels\": {\"team\": \"checkout\"}, \"annotations\": {\"owner\": \"checkout-team\"}}}");
    Map<String, String> userEdited = versions();
    assertThat(ownedWritesOfReconcileAfter(() -> client.discovery().v1().endpointSlices()
        .inNamespace(ns).resource(slice("3")).update())).isEmpty();
    assertThat(deployment().getMetadata().getLabels()).containsEntry("team", "checkout");
    assertThat(versions()).isEqualTo(userEdited);

    List<Request> scaling = ownedWritesOfReconcileAfter(
        () -> patchPool("{\"spec\": {\"proxy\": {\"replicas\": 3}}}"),
        seen -> seen.stream().anyMatch(OwnedObjectsApiServerTest::deploymentUpdated));
    assertThat(scaling).as("a real change is one write, and the audit trail sees it")
        .filteredOn(Request::succeeded).extracting(Request::toString)
        .containsExactly("update deployments/web-proxy 200");
    // Where the JVM's control plane runs a Deployment controller (a *ClusterTest started it), its
    // status writes can make the operator's update conflict; apply reads it again and retries, and
    // a 409 wrote nothing.
    assertThat(scaling).filteredOn(r -> !r.succeeded()).extracting(Request::toString)
        .allMatch(r -> r.equals("update deployments/web-proxy 409"));
    assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
    Map<String, String> scaled = versions();
    assertThat(scaled.get("Deployment web-proxy")).isNotEqualTo(userEdited.get("Deployment web-proxy"));
    scaled.remove("Deployment web-proxy");
    userEdited.remove("Deployment web-proxy");
    assertThat(scaled).isEqualTo(userEdited);
    assertThat(deployment().getMetadata().getLabels()).containsEntry("team", "checkout");
    assertThat(deployment().getMetadata().getAnnotations()).containsEntry("owner", "checkout-team");
  }

  @Test
  void updateThatLosesARaceReadsTheObjectAgainAndWrites() {
    Deployment desired = new DeploymentBuilder().withNewMetadata().withName("raced").withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "raced").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "raced").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("raced:1").endContainer().endSpec()
        .endTemplate().endSpec().build();
    assertThat(OwnedObjects.apply(client, desired)).isEqualTo(OwnedObjects.Write.CREATED);
    // No replicas: where a Deployment controller runs, it has written its status once this settles,
    // and cannot win the race below too often.
    AtomicReference<String> version = new AtomicReference<>("");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> version.getAndSet(client.apps()
        .deployments().inNamespace(ns).withName("raced").get().getMetadata().getResourceVersion()).equals(version.get()));
    // Between the operator's read and its PUT, another writer changes the object (the Deployment
    // controller does so with the status throughout a rollout; here a label, which always counts).
    AtomicBoolean raced = new AtomicBoolean();
    Interceptor otherWriter = new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if ("PUT".equals(request.method()) && request.uri().getPath().endsWith("/deployments/raced")
            && raced.compareAndSet(false, true)) {
          client.apps().deployments().inNamespace(ns).withName("raced").patch(PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\": {\"labels\": {\"other-writer\": \"was-here\"}}}");
        }
      }
    };
    desired.getSpec().setReplicas(1);
    audit.mark();
    try (KubernetesClient racing = new KubernetesClientBuilder().withConfig(client.getConfiguration())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("other-writer", otherWriter)).build()) {
      assertThat(OwnedObjects.apply(racing, desired)).isEqualTo(OwnedObjects.Write.UPDATED);
    }

    assertThat(raced).as("the other writer got in between").isTrue();
    Deployment after = client.apps().deployments().inNamespace(ns).withName("raced").get();
    assertThat(after.getSpec().getReplicas()).isEqualTo(1);
    assertThat(after.getMetadata().getLabels()).as("the other writer's change survives")
        .containsEntry("other-writer", "was-here");
    await().atMost(WAIT).untilAsserted(() -> assertThat(audit.since()).filteredOn(Request::fromThisJvm)
        .filteredOn(r -> r.name().equals("raced") && r.verb().equals("update") && r.subresource().isEmpty())
        .extracting(Request::toString)
        .as("the stale PUT fails, the one after a fresh read succeeds")
        .startsWith("update deployments/raced 409").endsWith("update deployments/raced 200")
        .hasSizeLessThanOrEqualTo(OwnedObjects.CONFLICT_ATTEMPTS)
        .satisfies(puts -> assertThat(puts.subList(0, puts.size() - 1)).allMatch(p -> p.endsWith(" 409"))));
  }

  /**
   * Changes pool web as {@code kubectl patch --type merge} does. fabric8's edit() sends the
   * resourceVersion it read, so on a real API server it fails with 409 whenever the operator
   * wrote the pool (finalizer, status) in between; the mock never raced.
   */
  private void patchPool(String mergePatch) {
    client.resources(StickyPool.class).inNamespace(ns).withName("web")
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  /** Ready, and two polls in a row see the same resourceVersions: creation traffic is over. */
  private Map<String, String> awaitReadyAndSettled() {
    await().atMost(WAIT).untilAsserted(() -> {
      StickyPool pool = client.resources(StickyPool.class).inNamespace(ns).withName("web").get();
      assertThat(pool.getStatus()).isNotNull();
      assertThat(pool.getStatus().getConditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).isEqualTo("True");
      });
    });
    AtomicReference<Map<String, String>> last = new AtomicReference<>(Map.of());
    await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
        .until(() -> last.getAndSet(versions()).equals(last.get()));
    return last.get();
  }

  /**
   * Runs {@code trigger}, waits for the reconcile it causes to finish (JOSDK's counters: one
   * started since, none running) and returns the writes that reached the owned objects meanwhile,
   * as logged by the API server (a no-op write would count: it is still a write).
   */
  private List<Request> ownedWritesOfReconcileAfter(Runnable trigger) {
    return ownedWritesOfReconcileAfter(trigger, seen -> seen.stream().anyMatch(OwnedObjectsApiServerTest::routesRead));
  }

  /**
   * The same, until {@code done} also holds; only this JVM's requests count (the
   * controller-manager, when one runs, writes Deployment status and Endpoints under the same user).
   */
  private List<Request> ownedWritesOfReconcileAfter(Runnable trigger, Predicate<List<Request>> done) {
    audit.mark();
    double startedBefore = reconciles("started");
    trigger.run();
    await().atMost(WAIT).until(() -> reconciles("started") > startedBefore && running() == 0
        && done.test(audit.since().stream().filter(Request::fromThisJvm).toList()));
    new AuditLog(K8S.controlPlane().auditLog()).catchUp(client, ns);
    return audit.since().stream().filter(Request::fromThisJvm)
        .filter(r -> !r.isRead()).filter(r -> OWNED_NAMES.contains(r.name())).toList();
  }

  private double reconciles(String outcome) {
    return metrics.find("operator.sdk.reconciliations." + outcome).counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  private double running() {
    return metrics.find("operator.sdk.reconciliations.executions.stickypool").gauges().stream()
        .mapToDouble(io.micrometer.core.instrument.Gauge::value).sum();
  }

  private static boolean routesRead(Request r) {
    return r.verb().equals("get") && r.resource().equals("configmaps") && r.name().equals("web-routes");
  }

  private static boolean deploymentUpdated(Request r) {
    return r.verb().equals("update") && r.resource().equals("deployments") && r.name().equals("web-proxy")
        && r.subresource().isEmpty() && r.succeeded();
  }

  private Map<String, String> versions() {
    List<HasMetadata> owned = List.of(
        client.configMaps().inNamespace(ns).withName("web-routes").get(),
        client.secrets().inNamespace(ns).withName("web-keys").get(),
        deployment(),
        client.services().inNamespace(ns).withName("web-proxy").get(),
        client.services().inNamespace(ns).withName("web-proxy-admin").get(),
        client.serviceAccounts().inNamespace(ns).withName("web-proxy").get(),
        client.rbac().roles().inNamespace(ns).withName("web-proxy").get(),
        client.rbac().roleBindings().inNamespace(ns).withName("web-proxy").get());
    Map<String, String> versions = new LinkedHashMap<>();
    // The Deployment by its generation: a Deployment controller, where one runs, writes its status
    // (and so its resourceVersion) during a rollout. The audit trail counts every write anyway.
    owned.forEach(o -> versions.put(o.getKind() + " " + o.getMetadata().getName(), o instanceof Deployment
        ? "generation " + o.getMetadata().getGeneration() : o.getMetadata().getResourceVersion()));
    assertThat(versions.keySet()).containsExactlyElementsOf(OWNED);
    return versions;
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace(ns).withName("web-proxy").get();
  }

  private StickyPool loadPool() throws Exception {
    try (var in = new FileInputStream("samples/pool-cookie.yaml")) {
      StickyPool p = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
      p.getMetadata().setNamespace(ns);
      return p;
    }
  }

  /** Two ready pods; {@code revision} is an unrelated label that only makes the slice change. */
  private EndpointSlice slice(String revision) {
    var builder = new EndpointSliceBuilder().withNewMetadata().withName("web-abc").withNamespace(ns)
        .addToLabels("kubernetes.io/service-name", "web").addToLabels("example.com/rev", revision)
        .endMetadata().withAddressType("IPv4");
    for (int i = 0; i < 2; i++) {
      builder.addNewEndpoint().withAddresses("10.0.0." + (i + 1))
          .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
          .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName("web-" + i)
              .withNamespace(ns).build())
          .endEndpoint();
    }
    return builder.addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build();
  }
}
