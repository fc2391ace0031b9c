package io.stickypool.operator;

import io.stickypool.operator.lease.LeaderElectionSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stickypool.api.v1alpha1.Drain;
import io.stickypool.api.v1alpha1.SigningKeys;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.cli.OperatorCommand;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.operator.model.KeySchedule;
import io.stickypool.operator.model.SigningSecretModel;
import io.stickypool.operator.sessions.AdminTarget;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import io.stickypool.proxy.routes.kubernetes.RoutesDocument;
import io.stickypool.testing.AuditLog;
import io.stickypool.testing.StickySession;
import io.stickypool.testing.TestBackend;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RBAC proof, on a real API server with RBAC on. The operator runs as the Helm chart's
 * ServiceAccount holding exactly what the chart renders (its ClusterRole and Lease Role, applied
 * as rendered); the proxy runs as the ServiceAccount the operator creates for it, holding only the
 * Role the operator grants it; a sidecar target's account reads its pool's routes and keys. Each
 * client is the admin impersonating that account, so the server authorizes every request as the
 * account. The operator watches only this test's namespace (the ClusterRole would let it see
 * every other test's pools).
 *
 * <p>One lifecycle: leader election, a pool with real loopback backends and a real proxy, key
 * rotation, a scale-down drain, sidecar mode, deletion. Then the API server's audit log must show
 * no 401 or 403 for any of these accounts, and every request the operator made must be one that
 * {@link OperatorPermissions} grants or that Kubernetes grants every authenticated user.
 */
class OperatorRbacApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final String PROXY_POD = "web-proxy-0";
  private static final String COOKIE = "stickypool";
  /** A drain ends once its sessions are this idle: long enough to see it under way on a slow machine. */
  private static final String IDLE = "10s";
  /** Backend web-i's pod IP is this plus i + 1 (fake: {@link InProcessProxy} plays the pod network). */
  private static final String POD_IP_PREFIX = "10.244.7.";

  private final KubernetesClient admin = K8S.client();
  private final String ns = K8S.namespace();
  private final TestCluster cluster = new TestCluster(admin, ns);
  private final String proxyUser = serviceAccount("web-proxy");
  private final String frontendUser = serviceAccount("frontend");
  private final Map<String, TestBackend> backends = new TreeMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private ChartRbac chart;
  private KubernetesClient operatorClient;
  private volatile InProcessProxy proxy;

  @AfterEach
  void stop() throws Exception {
    stopProxy();
    operator.stop();
    for (TestBackend b : backends.values()) {
      b.close();
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
    if (chart != null) {
      chart.deleteClusterScoped(admin);
    }
  }

  @Test
  void operatorAndProxiesNeedNoPermissionTheChartAndTheOperatorDoNotGrant() throws Exception {
    startOperatorAsTheChartsServiceAccount();
    createPoolWithRealBackends();
    flapTwice("web-2");
    startProxyAsItsServiceAccount();
    StickySession session = new StickySession(http, proxy.trafficPort(), COOKIE);
    String home = placeSession(session);

    rotateKeys(session, home);
    drainOneBackend(session, home);
    sidecarMode();
    deletePool();
    operator.stop();

    checkAuditLog();
  }

  private void startOperatorAsTheChartsServiceAccount() {
    String release = "rbac-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    chart = ChartRbac.render(release, ns, admin.getKubernetesVersion().getGitVersion());
    chart.apply(admin);
    operatorClient = K8S.controlPlane().impersonating(chart.operatorUser(), serviceAccountGroups());
    // The Lease's name, namespace (the release's) and the identity come from the chart's own args.
    OperatorSettings fromChart = OperatorCommand.settingsFrom(chart.operatorArgs(),
        Map.of("POD_NAME", "stickypool-operator-0", "POD_NAMESPACE", ns));
    LeaderElectionSettings chartLease = fromChart.leaderElection().orElseThrow();
    LeaderElectionSettings lease = new LeaderElectionSettings(chartLease.leaseName(), chartLease.leaseNamespace(),
        chartLease.identity(), LeaderElectionSettings.DEFAULT_LEASE_DURATION,
        LeaderElectionSettings.DEFAULT_RENEW_DEADLINE, LeaderElectionSettings.DEFAULT_RETRY_PERIOD, false);
    operator.start(operatorClient, OperatorSettings.builder(fromChart.defaultImage())
        .namespaces(Set.of(ns))
        .leaderElection(lease)
        .sessionRefresh(Duration.ofMillis(500))
        .drainRefresh(Duration.ofMillis(250))
        .adminTargets(pod -> Optional.ofNullable(proxy).filter(p -> PROXY_POD.equals(pod.getMetadata().getName()))
            .map(p -> new AdminTarget(PROXY_POD, "127.0.0.1", p.adminPort())))
        .build());
    await().atMost(WAIT).until(operator::isLeader);
    Lease held = admin.leases().inNamespace(lease.leaseNamespace()).withName(lease.leaseName()).get();
    assertThat(held.getSpec().getHolderIdentity()).isEqualTo(lease.identity());
    assertThat(lease.leaseNamespace()).as("the chart's Lease Role is in the release namespace").isEqualTo(ns);
  }

  private void createPoolWithRealBackends() throws Exception {
    cluster.createService("web");
    cluster.createBackendPods("web", 3, 30L);
    for (int i = 0; i < 3; i++) {
      backends.put("web-" + i, TestBackend.start("web-" + i));
      writeSlice("web-" + i, false);
    }
    StickyPool pool = cluster.samplePool("pool-cookie.yaml");
    Drain drain = new Drain();
    drain.setDrainTimeout("5m");
    drain.setIdleSessionThreshold(IDLE);
    drain.setPodDeletionCost(true);
    pool.getSpec().setDrain(drain);
    SigningKeys keys = new SigningKeys();
    keys.setPropagationDelay("2s");
    keys.setRetireAfter("6s");
    pool.getSpec().setSigningKeys(keys);
    cluster.createPool(pool);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.condition("web", "Ready")).hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
      assertThat(cluster.backendStates("web")).containsExactly("web-0=Active", "web-1=Active", "web-2=Active");
      assertThat(cluster.owned("web")).doesNotContainNull();
    });
  }

  /**
   * A backend whose readiness probe fails and recovers, twice: the second BackendUnavailable and
   * BackendAdded repeat the first ones, so the operator counts them on the Events already written.
   */
  private void flapTwice(String id) {
    for (int i = 0; i < 2; i++) {
      writeSlice(id, false, false);
      await().atMost(WAIT).until(() -> cluster.backendStates("web").contains(id + "=Unavailable"));
      writeSlice(id, false);
      await().atMost(WAIT).until(() -> cluster.backendStates("web").contains(id + "=Active"));
    }
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.events()).filteredOn(e -> e.getMessage()
        .startsWith("Backend " + id + ": ACTIVE -> UNAVAILABLE")).singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(2)));
  }

  /** A proxy replica as its pod runs it: routes watched and keys read as the pool's proxy account. */
  private void startProxyAsItsServiceAccount() throws Exception {
    proxy = InProcessProxy.start(K8S.controlPlane().impersonating(proxyUser, serviceAccountGroups()), ns, "web",
        id -> backends.get(id).port());
    cluster.createRunningPod(new PodBuilder().withNewMetadata().withName(PROXY_POD)
        .addToLabels("app.kubernetes.io/name", "stickypool-proxy")
        .addToLabels("app.kubernetes.io/instance", "web")
        .addToLabels("app.kubernetes.io/managed-by", "stickypool-operator")
        .addToLabels("stickypool.io/pool", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("proxy").withImage(TestCluster.IMAGE).endContainer().endSpec()
        .build(), "10.9.0.1");
    await().atMost(WAIT).until(() -> proxy.states().values().stream().filter(s -> s == BackendState.ACTIVE).count() == 3);
  }

  /** One session through the proxy; the operator sees it in the proxy's report and costs its pod. */
  private String placeSession(StickySession session) throws Exception {
    assertThat(session.get("/").statusCode()).isEqualTo(200);
    String home = session.lastBackend();
    assertThat(backends).containsKey(home);
    await().atMost(WAIT).untilAsserted(() -> {
      StickyPool p = cluster.pool("web");
      assertThat(p.getStatus().getSessionsReportedBy()).isEqualTo("1/1");
      assertThat(p.getStatus().getSessions()).isEqualTo(1L);
      assertThat(admin.pods().inNamespace(ns).withName(home).get().getMetadata().getAnnotations())
          .containsEntry(io.stickypool.operator.drain.PodDeletionCosts.COST_ANNOTATION, "1");
    });
    return home;
  }

  /**
   * A requested rotation: the proxy reads each ring as its own account (a pod gets it as a mounted
   * file), and the session keeps its backend throughout, re-signed by the new key once it signs.
   */
  private void rotateKeys(StickySession session, String home) throws Exception {
    KeyRing before = proxy.keys();
    cluster.editPool("web", p -> {
      Map<String, String> a = new HashMap<>(Optional.ofNullable(p.getMetadata().getAnnotations()).orElse(Map.of()));
      a.put(KeySchedule.REQUEST_ANNOTATION, "rbac-test");
      p.getMetadata().setAnnotations(a);
    });
    awaitProxyKeys(ring -> ring.keys().size() == 2 && ring.signingKey().equals(before.signingKey()));
    stays(session, home);
    awaitProxyKeys(ring -> !ring.signingKey().equals(before.signingKey()));
    int setCookies = session.setCookies();
    stays(session, home);
    assertThat(session.setCookies()).as("the cookie is re-signed by the new key").isGreaterThan(setCookies);
    awaitProxyKeys(ring -> ring.keys().size() == 1 && !ring.keys().contains(before.signingKey()));
    stays(session, home);
    assertThat(cluster.events()).filteredOn(e -> "SigningKeysRotated".equals(e.getReason()))
        .extracting(e -> e.getMessage().split(";")[0])
        .containsExactlyInAnyOrder("Signing keys staged", "Signing keys promoted", "Signing keys retired");
  }

  /**
   * Scale-down: the endpoint of a backend holding a live session turns terminating; the backend
   * drains while that session stays pinned to it, ends once the session is idle, then leaves.
   */
  private void drainOneBackend(StickySession session, String home) throws Exception {
    StickySession pinned = sessionAwayFrom(home);
    String leaving = pinned.lastBackend();
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.pool("web").getStatus().getBackends())
        .anySatisfy(b -> {
          assertThat(b.getId()).isEqualTo(leaving);
          assertThat(b.getSessions()).isEqualTo(1L);
        }));

    stays(pinned, leaving); // active now: idle only IDLE after this
    writeSlice(leaving, true);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.backendStates("web")).contains(leaving + "=Draining");
      assertThat(proxy.states()).as("the proxy read the drain through its watch")
          .containsEntry(leaving, BackendState.DRAINING);
      assertThat(message("BackendDraining")).startsWith("Backend " + leaving + " draining with 1 live session until ");
    });
    stays(pinned, leaving);
    stays(session, home);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.backendStates("web")).contains(leaving + "=Drained");
      assertThat(proxy.states()).containsEntry(leaving, BackendState.DRAINED);
      assertThat(message("BackendDrained")).startsWith("Backend " + leaving + " drained after ")
          .endsWith(": all 1 live session remaining idle for " + IDLE + " or more");
    });

    admin.discovery().v1().endpointSlices().inNamespace(ns).withName(leaving).delete();
    admin.pods().inNamespace(ns).withName(leaving).delete();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(proxy.states()).doesNotContainKey(leaving).hasSize(2);
      assertThat(cluster.eventReasons()).contains("BackendRemoved");
    });
    stays(session, home);
    assertThat(session.moves()).isZero();
    assertThat(pinned.get("/").statusCode()).isEqualTo(200);
    assertThat(pinned.lastBackend()).as("re-pinned once its backend left").isNotEqualTo(leaving);
  }

  /** A new session that the proxy placed on a backend other than {@code home}. */
  private StickySession sessionAwayFrom(String home) throws Exception {
    for (int i = 0; i < 100; i++) {
      StickySession s = new StickySession(http, proxy.trafficPort(), COOKIE);
      assertThat(s.get("/").statusCode()).isEqualTo(200);
      if (!home.equals(s.lastBackend())) {
        return s;
      }
    }
    throw new AssertionError("100 new sessions all placed on " + home);
  }

  /** The sidecar target's own account reads the sidecar pool's routes and keys. */
  private void sidecarMode() {
    Deployment original = admin.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
        .withNewMetadata().withName("frontend").addToLabels("app", "frontend").endMetadata()
        .withNewSpec().withReplicas(1)
            .withNewSelector().addToMatchLabels("app", "frontend").endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", "frontend").endMetadata()
                .withNewSpec().withServiceAccountName("frontend")
                    .addNewContainer().withName("app").withImage("frontend:1").endContainer()
                .endSpec().endTemplate()
        .endSpec().build()).create();
    cluster.createPool(cluster.samplePool("pool-sidecar.yaml"));
    await().atMost(WAIT).until(() -> cluster.condition("web-sidecar", "SidecarInjected")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    try (KubernetesClient sidecar = K8S.controlPlane().impersonating(frontendUser, serviceAccountGroups())) {
      ProxyConfig routes = RoutesDocument.fetch(sidecar, new ConfigMapRef(ns, "web-sidecar-routes"));
      assertThat(routes.routes().backends()).hasSize(2);
      assertThat(SigningSecretModel.keyRing(sidecar.secrets().inNamespace(ns).withName("web-sidecar-keys").get()))
          .isPresent();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }

    admin.resources(StickyPool.class).inNamespace(ns).withName("web-sidecar").delete();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.pool("web-sidecar")).isNull();
      assertThat(admin.apps().deployments().inNamespace(ns).withName("frontend").get().getSpec())
          .isEqualTo(original.getSpec());
      assertThat(admin.rbac().roleBindings().inNamespace(ns).withName("web-sidecar-sidecar").get()).isNull();
    });
  }

  /**
   * The proxy goes first, as its Deployment would: once the pool is gone so is its RoleBinding,
   * and a proxy still watching would rightly be refused.
   */
  private void deletePool() throws Exception {
    stopProxy();
    admin.pods().inNamespace(ns).withName(PROXY_POD).delete();
    admin.resources(StickyPool.class).inNamespace(ns).withName("web").delete();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.pool("web")).as("finalizer released").isNull();
      assertThat(cluster.owned("web")).containsOnlyNulls();
    });
  }

  private void checkAuditLog() {
    String nobody = serviceAccount("nobody");
    try (KubernetesClient unbound = K8S.controlPlane().impersonating(nobody, serviceAccountGroups())) {
      assertThatThrownBy(() -> unbound.secrets().inNamespace(ns).list()).isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
    AuditLog audit = new AuditLog(K8S.controlPlane().auditLog());
    audit.catchUp(admin, ns);
    assertThat(audit.requests(Set.of(nobody))).as("a refusal shows in the audit log, so its absence means something")
        .singleElement().satisfies(r -> assertThat(r.denied()).isTrue());
    String operatorUser = chart.operatorUser();
    List<AuditLog.Request> requests = audit.requests(Set.of(operatorUser, proxyUser, frontendUser));
    assertThat(requests).filteredOn(AuditLog.Request::denied).as("requests refused (401/403)").isEmpty();

    List<AuditLog.Request> ofOperator = requests.stream().filter(r -> r.user().equals(operatorUser)).toList();
    Map<String, Long> table = AuditLog.table(ofOperator);
    System.out.println("Requests of " + operatorUser + " (verb resource: count)");
    table.forEach((k, n) -> System.out.printf("  %-55s %5d%n", k, n));
    System.out.println("Granted by OperatorPermissions but not used in this run: " + unused(table.keySet()));
    assertThat(ofOperator).allSatisfy(r -> assertThat(grantedByOperatorPermissions(r))
        .as("%s granted by OperatorPermissions", r.verbAndResource()).isTrue());
    // Nothing cluster-wide either, so the chart's per-namespace Roles (watchNamespaces) grant the same.
    assertThat(ofOperator).filteredOn(r -> !r.resource().startsWith("/")
            && !r.resource().equals("authorization.k8s.io/selfsubjectrulesreviews"))
        .as("only in the watched namespace").allSatisfy(r -> assertThat(r.namespace()).isEqualTo(ns));
    assertThat(table.keySet()).as("the run covered every part, so the checks above are not vacuous").contains(
        "create coordination.k8s.io/leases", "get coordination.k8s.io/leases", "patch coordination.k8s.io/leases",
        "patch stickypool.io/stickypools/status", "patch stickypool.io/stickypools",
        // Owned objects by server-side apply (a patch, creation included); sidecars by update.
        "patch apps/deployments", "update apps/deployments", "watch apps/statefulsets",
        "watch discovery.k8s.io/endpointslices", "patch rbac.authorization.k8s.io/roles",
        "watch rbac.authorization.k8s.io/roles", "delete rbac.authorization.k8s.io/roles", "watch core/pods",
        "patch core/pods", "create core/events", "get core/events", "patch core/events",
        "patch core/secrets", "watch core/secrets");

    Map<String, Long> ofProxy = AuditLog.table(requests.stream().filter(r -> r.user().equals(proxyUser)).toList());
    System.out.println("Requests of " + proxyUser + ": " + ofProxy);
    assertThat(ofProxy.keySet()).contains("get core/configmaps", "list core/configmaps", "watch core/configmaps",
        "get core/secrets");
    Map<String, Long> ofSidecar = AuditLog.table(requests.stream().filter(r -> r.user().equals(frontendUser)).toList());
    System.out.println("Requests of " + frontendUser + ": " + ofSidecar);
    assertThat(ofSidecar.keySet()).contains("get core/configmaps", "get core/secrets");
  }

  /** By a chart rule (OperatorPermissions), or by Kubernetes' default roles for every user. */
  private static boolean grantedByOperatorPermissions(AuditLog.Request r) {
    if (r.resource().startsWith("/")) {
      return OperatorPermissions.GRANTED_TO_ALL.contains(r.verb().toUpperCase(java.util.Locale.ROOT) + " " + r.resource());
    }
    String[] groupAndResource = r.resource().split("/", 2);
    String group = groupAndResource[0].equals("core") ? "" : groupAndResource[0];
    return OperatorPermissions.grants(group, groupAndResource[1], r.verb())
        || OperatorPermissions.GRANTED_TO_ALL.contains(groupAndResource[0] + " " + groupAndResource[1] + " " + r.verb());
  }

  private static Set<String> unused(Set<String> used) {
    Set<String> out = new TreeSet<>();
    for (OperatorPermissions.Rule rule : OperatorPermissions.RULES) {
      for (String verb : rule.verbs()) {
        String key = verb + " " + (rule.apiGroup().isEmpty() ? "core" : rule.apiGroup()) + "/" + rule.resource();
        if (!used.contains(key)) {
          out.add(key);
        }
      }
    }
    return out;
  }

  private void stays(StickySession session, String home) throws Exception {
    assertThat(session.get("/").statusCode()).isEqualTo(200);
    assertThat(session.lastBackend()).isEqualTo(home);
  }

  /** Polls the keys Secret as the proxy and installs each new ring, as its key file watch would. */
  private void awaitProxyKeys(Predicate<KeyRing> step) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> step.test(proxy.reloadKeys()));
  }

  /**
   * One slice per backend pod, as the endpoints controller writes them, with the pod's IP: the API
   * server refuses loopback addresses in EndpointSlices, so {@link InProcessProxy} plays the network.
   */
  private void writeSlice(String id, boolean terminating) {
    writeSlice(id, terminating, true);
  }

  private void writeSlice(String id, boolean terminating, boolean serving) {
    admin.discovery().v1().endpointSlices().inNamespace(ns).resource(new EndpointSliceBuilder()
        .withNewMetadata().withName(id).addToLabels("kubernetes.io/service-name", "web").endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses(POD_IP_PREFIX + (1 + Integer.parseInt(id.substring(id.indexOf('-') + 1))))
            .withNewConditions().withReady(!terminating && serving).withServing(serving).withTerminating(terminating)
            .endConditions()
            .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName(id).withNamespace(ns).build())
        .endEndpoint()
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .build()).createOr(s -> s.update());
  }

  private void stopProxy() throws InterruptedException {
    InProcessProxy p = proxy;
    proxy = null;
    if (p != null) {
      p.close();
    }
  }

  private String message(String reason) {
    List<Event> found = cluster.events().stream().filter(e -> reason.equals(e.getReason())).toList();
    assertThat(found).as(reason + " events").hasSize(1);
    return found.get(0).getMessage();
  }

  private String serviceAccount(String name) {
    return "system:serviceaccount:" + ns + ":" + name;
  }

  private String[] serviceAccountGroups() {
    return new String[] {"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"};
  }
}
