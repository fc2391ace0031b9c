package io.stickypool.operator;

import static io.stickypool.operator.sessions.CannedReport.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.TargetKind;
import io.stickypool.operator.sessions.CannedReport;
import io.stickypool.operator.sessions.ReportServer;
import io.stickypool.testing.AuditLog;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sidecar mode on a real API server with the real operator: the proxy goes into the pool's target
 * workload and comes out again, and nothing else of the user's workload changes on the way. The
 * server validates every injected Deployment and StatefulSet. Every test has a namespace of its
 * own (they all use the same names), which the operator alone watches.
 */
class SidecarModeApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final String POOL = "web-sidecar";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client = K8S.client();
  private TestCluster cluster;
  private String ns;
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private final ReportServer sidecarA = new ReportServer();
  private final ReportServer sidecarB = new ReportServer();

  @BeforeEach
  void start() {
    cluster = TestCluster.inNewNamespace(client, K8S.namespace());
    ns = cluster.namespace();
    cluster.createService("web");
    cluster.writeSlice("web", 2);
    // No periodic reconcile: every step below must follow from its own event (a periodic round
    // once hid lost pool events here, see PoolChangesAreNeverLostApiServerTest).
    operator.start(client, settings().sessionRefresh(Duration.ofHours(1)).build());
  }

  private OperatorSettings.Builder settings() {
    Map<String, ReportServer> admin = Map.of("frontend-a", sidecarA, "frontend-b", sidecarB);
    return cluster.operatorSettings()
        .nativeSidecars(true)
        .adminTargets(TestCluster.reportsFrom(admin));
  }

  @AfterEach
  void stop() {
    operator.stop();
    sidecarA.close();
    sidecarB.close();
    cluster.deleteNamespace();
  }

  @Test
  void injectsANativeSidecarAndGrantsTheTargetsAccountReadAccess() {
    createFrontend();
    cluster.createPool(cluster.samplePool("pool-sidecar.yaml"));

    await().atMost(WAIT).untilAsserted(() -> {
      Deployment frontend = frontend();
      assertThat(frontend.getSpec().getTemplate().getSpec().getInitContainers())
          .extracting(Container::getName).containsExactly("stickypool-proxy");
      Container proxy = sidecar(frontend);
      assertThat(proxy.getRestartPolicy()).as("native sidecar").isEqualTo("Always");
      assertThat(proxy.getArgs()).containsExactly("proxy", "--config-map", POOL + "-routes");
      assertThat(volumeNames(frontend)).containsExactly(
          "cache", "stickypool-keys", "stickypool-tmp", "stickypool-api");
      assertThat(frontend.getMetadata().getAnnotations().get("stickypool.io/sidecar"))
          .contains("\"pool\":\"" + POOL + "\"").contains("\"generation\":1");
      assertThat(cluster.condition(POOL, "SidecarInjected")).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getReason()).isEqualTo("TargetInjected");
      });
    });
    var role = client.rbac().roles().inNamespace(ns).withName(POOL + "-sidecar").get();
    assertThat(role.getRules()).extracting(PolicyRule::getResources, PolicyRule::getResourceNames)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(List.of("configmaps"), List.of(POOL + "-routes")),
            org.assertj.core.groups.Tuple.tuple(List.of("secrets"), List.of(POOL + "-keys")));
    assertThat(role.getRules()).allSatisfy(r -> assertThat(r.getVerbs()).containsExactly("get", "list", "watch"));
    var binding = client.rbac().roleBindings().inNamespace(ns).withName(POOL + "-sidecar").get();
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo("frontend");
    });
    assertThat(cluster.routes(POOL).get("proxy").get("listen").asText())
        .as("only the app in the same pod calls it").isEqualTo("127.0.0.1:15001");
    assertThat(client.apps().deployments().inNamespace(ns).withName(POOL + "-proxy").get())
        .as("no proxy Deployment in sidecar mode").isNull();
    assertThat(cluster.eventReasons()).contains("SidecarInjected");
  }

  @Test
  void reconcilingAgainWithoutChangeWritesNothingToTheTarget() {
    injectedFrontend();
    writeFrontendPod("frontend-a", "10.8.0.1");
    AtomicInteger writes = new AtomicInteger();
    AuditTrail audit = new AuditTrail(K8S.controlPlane().auditLog(), ns);
    audit.mark();
    try (Watch ignored = watchFrontend(writes)) {
      reconcileThroughABackendChange(3);
      reconcileThroughABackendChange(4);
      letTheWatchCatchUp();
    }
    new AuditLog(K8S.controlPlane().auditLog()).catchUp(client, ns);
    assertThat(writes).as("updates of the target after the injection").hasValue(0);
    assertThat(audit.since()).filteredOn(r -> !r.verb().equals("watch"))
        .filteredOn(r -> Set.of("pods", "deployments", "statefulsets").contains(r.resource()))
        .extracting(AuditTrail.Request::toString)
        .as("the target and its sidecar pods are read from the caches").isEmpty();
  }

  @Test
  void userEditsToTheTargetAreKept() {
    injectedFrontend();

    client.apps().deployments().inNamespace(ns).withName("frontend").edit(d -> new DeploymentBuilder(d)
        .editSpec().withReplicas(5)
            .editTemplate().editSpec().editMatchingContainer(c -> "app".equals(c.getName()))
                .addNewEnv().withName("FEATURE").withValue("on").endEnv()
            .endContainer().endSpec().endTemplate()
        .endSpec().build());
    AtomicInteger writes = new AtomicInteger();
    try (Watch ignored = watchFrontend(writes)) {
      reconcileThroughABackendChange(3);
      letTheWatchCatchUp();
    }

    Deployment frontend = frontend();
    assertThat(frontend.getSpec().getReplicas()).isEqualTo(5);
    assertThat(frontend.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .extracting("name").containsExactly("FEATURE");
    assertThat(frontend.getSpec().getTemplate().getSpec().getInitContainers())
        .extracting(Container::getName).containsExactly("stickypool-proxy");
    assertThat(writes).as("the operator did not undo or redo anything").hasValue(0);
  }

  @Test
  void aSpecChangeIsOneUpdateOfTheTarget() {
    injectedFrontend();
    AtomicInteger writes = new AtomicInteger();
    try (Watch ignored = watchFrontend(writes)) {
      cluster.editPool(POOL, pool -> pool.getSpec().getProxy().setImage("ghcr.io/stickypool/stickypool:0.2.0"));
      await().atMost(WAIT).untilAsserted(() -> assertThat(sidecar(frontend()).getImage())
          .isEqualTo("ghcr.io/stickypool/stickypool:0.2.0"));
      reconcileThroughABackendChange(3);
      letTheWatchCatchUp();
    }
    assertThat(writes).as("updates of the target for one spec change").hasValue(1);
    assertThat(frontend().getMetadata().getAnnotations().get("stickypool.io/sidecar"))
        .contains("\"generation\":2");
  }

  @Test
  void deletingThePoolGivesBackTheTargetExactlyAsTheUserHadIt() {
    Deployment original = injectedFrontend();

    client.resources(StickyPool.class).inNamespace(ns).withName(POOL).delete();

    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.pool(POOL)).isNull());
    Deployment after = frontend();
    assertThat(JSON.asJson(after.getSpec())).isEqualTo(JSON.asJson(original.getSpec()));
    assertThat(after.getMetadata().getAnnotations()).isEqualTo(original.getMetadata().getAnnotations());
    assertThat(after.getMetadata().getLabels()).isEqualTo(original.getMetadata().getLabels());
    assertThat(client.rbac().roles().inNamespace(ns).withName(POOL + "-sidecar").get()).isNull();
    assertThat(client.rbac().roleBindings().inNamespace(ns).withName(POOL + "-sidecar").get()).isNull();
    assertThat(client.configMaps().inNamespace(ns).withName(POOL + "-routes").get()).isNull();
  }

  @Test
  void switchingBackToDeploymentModeRemovesTheSidecarAndRunsAProxyDeployment() {
    Deployment original = injectedFrontend();

    cluster.editPool(POOL, pool -> {
      pool.getSpec().getProxy().setMode(ProxyMode.Deployment);
      pool.getSpec().getProxy().setTargetRef(null);
    });

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(JSON.asJson(frontend().getSpec())).isEqualTo(JSON.asJson(original.getSpec()));
      assertThat(frontend().getMetadata().getAnnotations()).isEqualTo(original.getMetadata().getAnnotations());
      assertThat(client.apps().deployments().inNamespace(ns).withName(POOL + "-proxy").get()).isNotNull();
      assertThat(client.rbac().roleBindings().inNamespace(ns).withName(POOL + "-sidecar").get()).isNull();
      assertThat(cluster.condition(POOL, "SidecarInjected")).isEmpty();
      assertThat(cluster.routes(POOL).get("proxy").get("listen").asText()).isEqualTo("0.0.0.0:15001");
    });
    assertThat(cluster.eventReasons()).contains("SidecarRemoved");
  }

  @Test
  void aMissingTargetIsReportedAndGetsTheSidecarWhenItAppears() {
    // No periodic reconcile within this test: only the Deployment watch can bring the sidecar in.
    operator.stop();
    operator.start(client, settings().sessionRefresh(Duration.ofHours(1)).build());
    cluster.createPool(cluster.samplePool("pool-sidecar.yaml"));
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.condition(POOL, "Ready")).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("TargetNotFound");
        assertThat(c.getMessage()).contains("Deployment " + ns + "/frontend");
      });
      assertThat(cluster.condition(POOL, "SidecarInjected")).hasValueSatisfying(c ->
          assertThat(c.getReason()).isEqualTo("TargetNotFound"));
      assertThat(cluster.events()).filteredOn(e -> "TargetNotFound".equals(e.getReason()))
          .extracting(Event::getType).containsExactly("Warning");
    });
    assertThat(cluster.routes(POOL)).as("routes are ready before the target is").isNotNull();

    createFrontend();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(sidecar(frontend())).isNotNull();
      assertThat(cluster.condition(POOL, "SidecarInjected")).hasValueSatisfying(c ->
          assertThat(c.getStatus()).isEqualTo("True"));
    });
  }

  @Test
  void rolloutProgressAndSidecarSessionsShowInTheStatus() {
    injectedFrontend();
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition(POOL, "ProxyAvailable"))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("ProxyProgressing")));

    // No controllers run on the API-server level: roll out as the Deployment controller and kubelet would.
    client.apps().deployments().inNamespace(ns).withName("frontend").editStatus(frontend -> {
      frontend.setStatus(new DeploymentStatusBuilder().withObservedGeneration(frontend.getMetadata().getGeneration())
          .withReplicas(2).withUpdatedReplicas(2).withReadyReplicas(2).withAvailableReplicas(2).build());
      return frontend;
    });
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition(POOL, "ProxyAvailable"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True")));

    // The pods come last: with no periodic reconcile, only their own events can get them asked.
    Instant seen = Instant.now();
    sidecarA.serve(CannedReport.of("frontend-a").backend("web-0", seen, keys(0, 4)).json());
    sidecarB.serve(CannedReport.of("frontend-b").backend("web-0", seen, keys(2, 6))
        .backend("web-1", seen, keys(10, 13)).json());
    writeFrontendPod("frontend-a", "10.8.0.1");
    writeFrontendPod("frontend-b", "10.8.0.2");

    await().atMost(WAIT).untilAsserted(() -> {
      var status = cluster.pool(POOL).getStatus();
      assertThat(cluster.condition(POOL, "ProxyAvailable")).hasValueSatisfying(c -> {
        assertThat(c.getStatus()).isEqualTo("True");
        assertThat(c.getMessage()).isEqualTo("2/2 pods of Deployment/frontend ready with the sidecar");
      });
      assertThat(status.getSidecar().getUpdatedReplicas()).isEqualTo(2);
      assertThat(status.getSidecar().getTarget()).isEqualTo("Deployment/frontend");
      assertThat(status.getSessionsReportedBy()).isEqualTo("2/2");
      assertThat(status.getSessions()).as("6 distinct on web-0, 3 on web-1").isEqualTo(9L);
      assertThat(cluster.condition(POOL, "Ready")).hasValueSatisfying(c ->
          assertThat(c.getStatus()).isEqualTo("True"));
    });
  }

  @Test
  void aStatefulSetTargetTakesTheSidecarToo() {
    StatefulSet original = client.apps().statefulSets().inNamespace(ns).resource(new StatefulSetBuilder()
        .withNewMetadata().withName("frontend").endMetadata()
        .withNewSpec().withReplicas(1).withServiceName("frontend")
            .withNewSelector().addToMatchLabels("app", "frontend").endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", "frontend").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("frontend:1").endContainer()
                .endSpec().endTemplate()
        .endSpec().build()).create();
    StickyPool pool = cluster.samplePool("pool-sidecar.yaml");
    pool.getSpec().getProxy().getTargetRef().setKind(TargetKind.StatefulSet);
    cluster.createPool(pool);

    await().atMost(WAIT).untilAsserted(() -> assertThat(statefulSet().getSpec().getTemplate().getSpec()
        .getInitContainers()).extracting(Container::getName).containsExactly("stickypool-proxy"));
    var binding = client.rbac().roleBindings().inNamespace(ns).withName(POOL + "-sidecar").get();
    assertThat(binding.getSubjects().get(0).getName()).as("no serviceAccountName: default").isEqualTo("default");

    client.resources(StickyPool.class).inNamespace(ns).withName(POOL).delete();
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(JSON.asJson(statefulSet().getSpec())).isEqualTo(JSON.asJson(original.getSpec())));
  }

  @Test
  void aTargetCarryingAnotherPoolsSidecarIsLeftAlone() {
    injectedFrontend();
    StickyPool second = cluster.samplePool("pool-sidecar.yaml");
    second.getMetadata().setName("other");
    cluster.createPool(second);

    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition("other", "Ready"))
        .hasValueSatisfying(c -> {
          assertThat(c.getReason()).isEqualTo("TargetInUse");
          assertThat(c.getMessage()).contains("StickyPool " + POOL);
        }));
    assertThat(frontend().getMetadata().getAnnotations().get("stickypool.io/sidecar"))
        .contains("\"pool\":\"" + POOL + "\"");
  }

  /** Deployment frontend as a user writes it: an app container, a volume, an account. */
  /** The frontend as created, before the sample sidecar pool is applied and injected into it. */
  private Deployment injectedFrontend() {
    Deployment original = createFrontend();
    cluster.createPool(cluster.samplePool("pool-sidecar.yaml"));
    awaitInjected();
    return original;
  }

  private Deployment createFrontend() {
    return client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withNewMetadata().withName("frontend").addToLabels("app", "frontend")
            .addToAnnotations("team", "checkout").endMetadata()
        .withNewSpec().withReplicas(2)
            .withNewSelector().addToMatchLabels("app", "frontend").endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", "frontend").endMetadata()
                .withNewSpec().withServiceAccountName("frontend")
                    .addNewContainer().withName("app").withImage("frontend:1")
                        .addNewPort().withName("http").withContainerPort(3000).endPort()
                        .addNewVolumeMount().withName("cache").withMountPath("/cache").endVolumeMount()
                    .endContainer()
                    .addNewVolume().withName("cache").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().endTemplate()
        .endSpec().build()).create();
  }

  /** A Ready pod of frontend that runs the sidecar, as the ReplicaSet and kubelet would make it. */
  private void writeFrontendPod(String name, String ip) {
    cluster.createRunningPod(new PodBuilder()
        .withNewMetadata().withName(name).addToLabels("app", "frontend").endMetadata()
        .withSpec(frontend().getSpec().getTemplate().getSpec())
        .build(), ip);
  }

  /** Moves the Service to {@code backends} endpoints and waits for the reconcile that publishes it. */
  private void reconcileThroughABackendChange(int backends) {
    long version = cluster.routesVersion(POOL);
    cluster.writeSlice("web", backends);
    await().atMost(WAIT).until(() -> cluster.routesVersion(POOL) == version + 1);
  }

  /**
   * A bounded pause before counting target writes: an absence cannot be awaited, so this gives a
   * write made in the same reconcile time to reach the test's watch.
   */
  private static void letTheWatchCatchUp() {
    await().pollDelay(Duration.ofMillis(500)).atMost(WAIT).until(() -> true);
  }

  private void awaitInjected() {
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition(POOL, "SidecarInjected"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True")));
  }

  private Watch watchFrontend(AtomicInteger writes) {
    return client.apps().deployments().inNamespace(ns).withName("frontend").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Deployment resource) {
        if (action == Action.MODIFIED) {
          writes.incrementAndGet();
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
  }

  private Deployment frontend() {
    return client.apps().deployments().inNamespace(ns).withName("frontend").get();
  }

  private StatefulSet statefulSet() {
    return client.apps().statefulSets().inNamespace(ns).withName("frontend").get();
  }

  private static Container sidecar(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getInitContainers().stream()
        .filter(c -> "stickypool-proxy".equals(c.getName())).findFirst().orElse(null);
  }

  private static List<String> volumeNames(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getVolumes().stream().map(v -> v.getName()).toList();
  }
}
