package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
 * Writes are server-side applies that leave other managers' fields alone; reads come from caches.
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

  /** The tests share a namespace: each leaves it as it found it (the operator cleans up the pool). */
  @AfterEach
  void stop() {
    client.resources(StickyPool.class).inNamespace(ns).withName("web").delete();
    await().atMost(WAIT).until(() -> client.resources(StickyPool.class).inNamespace(ns).withName("web").get() == null);
    client.services().inNamespace(ns).withName("web").delete();
    client.discovery().v1().endpointSlices().inNamespace(ns).withName("web-abc").delete();
    operator.stop();
  }

  @Test
  void writesOwnedObjectsOnlyWhenTheyDiffer() throws Exception {
    createPoolOverService();
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
        seen -> seen.stream().anyMatch(r -> applied(r, "deployments", "web-proxy")));
    assertThat(scaling).as("a real change is one apply (no read first), and the audit trail sees it")
        .extracting(Request::toString).containsExactly("patch deployments/web-proxy 200");
    assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
    Map<String, String> scaled = versions();
    assertThat(scaled.get("Deployment web-proxy")).isNotEqualTo(userEdited.get("Deployment web-proxy"));
    scaled.remove("Deployment web-proxy");
    userEdited.remove("Deployment web-proxy");
    assertThat(scaled).isEqualTo(userEdited);
    assertThat(deployment().getMetadata().getLabels()).containsEntry("team", "checkout");
    assertThat(deployment().getMetadata().getAnnotations()).containsEntry("owner", "checkout-team");
  }

  /**
   * Every podTemplate field at once is one apply of the proxy Deployment, a budget change one apply
   * of the PodDisruptionBudget, and neither leaves drift behind: the API server stores them as the
   * operator sends them, so the next reconciles write nothing.
   */
  @Test
  void podTemplateAndBudgetEditsAreOneApplyEachAndLeaveNoDrift() throws Exception {
    createPoolOverService();
    awaitReadyAndSettled();

    List<Request> template = ownedWritesOfReconcileAfter(() -> patchPool("{\"spec\": {\"proxy\": {\"podTemplate\": {"
            + "\"labels\": {\"team\": \"shop\"}, \"annotations\": {\"example.com/note\": \"x\"},"
            + "\"nodeSelector\": {\"pool-role\": \"edge\"},"
            + "\"tolerations\": [{\"key\": \"dedicated\", \"operator\": \"Equal\", \"value\": \"edge\", \"effect\": \"NoSchedule\"}],"
            + "\"affinity\": {\"nodeAffinity\": {\"preferredDuringSchedulingIgnoredDuringExecution\": [{\"weight\": 10,"
            + " \"preference\": {\"matchExpressions\": [{\"key\": \"zone\", \"operator\": \"In\", \"values\": [\"a\"]}]}}]}},"
            + "\"topologySpreadConstraints\": [{\"maxSkew\": 1, \"topologyKey\": \"rack\", \"whenUnsatisfiable\": \"DoNotSchedule\"}],"
            + "\"priorityClassName\": \"edge-critical\", \"imagePullSecrets\": [{\"name\": \"registry\"}],"
            + "\"securityContext\": {\"runAsUser\": 2000, \"fsGroup\": 2000, \"seccompProfile\": {\"type\": \"RuntimeDefault\"}}}}}}"),
        seen -> seen.stream().anyMatch(r -> applied(r, "deployments", "web-proxy")));

    assertThat(template).extracting(Request::toString).as("one apply, no read first")
        .containsExactly("patch deployments/web-proxy 200");
    var pod = deployment().getSpec().getTemplate().getSpec();
    assertThat(pod.getNodeSelector()).containsEntry("pool-role", "edge");
    assertThat(pod.getPriorityClassName()).isEqualTo("edge-critical");
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(2000L);
    assertThat(pod.getTopologySpreadConstraints()).singleElement()
        .satisfies(c -> assertThat(c.getLabelSelector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", "web"));

    List<Request> budget = ownedWritesOfReconcileAfter(
        () -> patchPool("{\"spec\": {\"proxy\": {\"disruption\": {\"maxUnavailable\": \"34%\"}}}}"),
        seen -> seen.stream().anyMatch(r -> applied(r, "poddisruptionbudgets", "web-proxy")));
    assertThat(budget).extracting(Request::toString).containsExactly("patch poddisruptionbudgets/web-proxy 200");

    Map<String, String> settled = awaitReadyAndSettled();
    assertThat(ownedWritesOfReconcileAfter(() -> client.discovery().v1().endpointSlices()
        .inNamespace(ns).resource(slice("2")).update())).as("writes after the edits").isEmpty();
    assertThat(versions()).isEqualTo(settled);
  }

  /**
   * Server-side apply shares the objects: what a user, an HPA and a mesh set on the proxy
   * Deployment stays through the operator's next apply, which still takes back the fields the
   * operator sets.
   */
  @Test
  void othersFieldsSurviveTheOperatorsApply() throws Exception {
    createPoolOverService();
    awaitReadyAndSettled();

    // kubectl label / annotate, an HPA through the scale subresource, a mesh's injector by apply.
    client.apps().deployments().inNamespace(ns).withName("web-proxy").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\": {\"labels\": {\"team\": \"checkout\"}, \"annotations\": {\"owner\": \"checkout-team\"}}}");
    client.apps().deployments().inNamespace(ns).withName("web-proxy").scale(5);
    client.resource(new DeploymentBuilder().withNewMetadata().withName("web-proxy").withNamespace(ns)
        .endMetadata().withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("mesh-proxy")
        .withImage("mesh/proxy:1").endContainer().endSpec().endTemplate().endSpec().build())
        .fieldManager("mesh-injector").serverSideApply();
    await().atMost(WAIT).untilAsserted(() -> assertThat(deployment().getSpec().getReplicas()).isEqualTo(5));

    List<Request> writes = ownedWritesOfReconcileAfter(
        () -> patchPool("{\"spec\": {\"proxy\": {\"image\": \"example.com/stickypool:2\"}}}"),
        seen -> seen.stream().anyMatch(r -> applied(r, "deployments", "web-proxy")));

    assertThat(writes).extracting(Request::toString).as("one apply, no read first")
        .containsExactly("patch deployments/web-proxy 200");
    Deployment after = deployment();
    var containers = after.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).extracting(c -> c.getName() + " " + c.getImage())
        .containsExactlyInAnyOrder("proxy example.com/stickypool:2", "mesh-proxy mesh/proxy:1");
    assertThat(after.getSpec().getReplicas()).as("the HPA's count").isEqualTo(5);
    assertThat(after.getMetadata().getLabels()).containsEntry("team", "checkout");
    assertThat(after.getMetadata().getAnnotations()).containsEntry("owner", "checkout-team");
    assertThat(after.getMetadata().getManagedFields()).extracting(m -> m.getManager() + " " + m.getOperation())
        .contains("stickypool Apply", "mesh-injector Apply");

    // Someone edits a field the operator sets: the watch on the operator's objects puts it back,
    // and only that field.
    client.configMaps().inNamespace(ns).withName("web-routes").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\": {\"labels\": {\"team\": \"checkout\"}}, \"data\": {\"proxy.json\": \"edited by hand\"}}");
    await().atMost(WAIT).untilAsserted(() -> {
      ConfigMap routes = client.configMaps().inNamespace(ns).withName("web-routes").get();
      assertThat(routes.getData().get("proxy.json")).as("the operator's field").contains("backends");
      assertThat(routes.getMetadata().getLabels()).containsEntry("team", "checkout");
    });
  }

  /**
   * The reconciler reads from caches: with the pool settled, reconciles that change nothing (here
   * three, each started by an unrelated edit of the target Service) send the API server nothing.
   */
  @Test
  void reconcilesThatChangeNothingSendNoRequest() throws Exception {
    createPoolOverService();
    awaitReadyAndSettled();
    await().atMost(WAIT).until(() -> running() == 0);

    audit.mark();
    for (int i = 1; i <= 3; i++) {
      double startedBefore = reconciles("started");
      client.services().inNamespace(ns).withName("web").patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"metadata\": {\"labels\": {\"example.com/touched\": \"" + i + "\"}}}");
      await().atMost(WAIT).until(() -> reconciles("started") > startedBefore && running() == 0);
    }
    new AuditLog(K8S.controlPlane().auditLog()).catchUp(client, ns);

    assertThat(audit.since()).filteredOn(Request::fromThisJvm)
        .filteredOn(r -> !r.verb().equals("watch") && !r.name().startsWith("audit-marker"))
        .filteredOn(r -> !(r.resource().equals("services") && r.name().equals("web")))
        .extracting(Request::toString).as("requests of three reconciles that changed nothing").isEmpty();
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

  private void createPoolOverService() throws Exception {
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("web")
        .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec()
        .build()).create();
    client.discovery().v1().endpointSlices().inNamespace(ns).resource(slice("1")).create();
    client.resources(StickyPool.class).inNamespace(ns).resource(loadPool()).create();
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
    return ownedWritesOfReconcileAfter(trigger, seen -> true);
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

  private static boolean applied(Request r, String resource, String name) {
    return r.verb().equals("patch") && r.resource().equals(resource) && r.name().equals(name)
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
