package io.stickypool.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.Drain;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.operator.OperatorSettings;
import io.stickypool.operator.StickyPoolOperator;
import io.stickypool.operator.model.SigningSecretModel;
import io.stickypool.operator.sessions.AdminTarget;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.routes.RoutesSource;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRoutesSource;
import io.stickypool.proxy.routes.kubernetes.RoutesDocument;
import io.stickypool.testing.LoadDriver;
import io.stickypool.proxy.routes.MappedRoutesSource;
import io.stickypool.testing.StickySession;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drain story end to end on a real cluster: kube-apiserver, the controller-manager's
 * Deployment, ReplicaSet and EndpointSlice controllers, the scheduler and KWOK (the kubelet of one
 * fake node) run the backend Deployment {@code web} and the operator's proxy Deployment {@code
 * web-proxy}; the real operator follows the real EndpointSlices, drains, writes pod deletion costs
 * the ReplicaSet controller obeys, publishes the routes ConfigMap and Events. The test writes no
 * EndpointSlice and no pod status: it only scales {@code web} 4 -> 2 -> 4 while 200 sessions
 * alternate between two proxies under steady load.
 *
 * <p>Only the last network hop is remapped, because KWOK pods have no network (their IPs are fake
 * 10.244.x.x, never to be dialled):
 * <ul>
 *   <li>The two proxies run in this JVM, one per {@code web-proxy} pod, each reading the routes
 *       ConfigMap through the API as the pod would. Their RoutesSource is decorated so that each
 *       backend's address in the routes document (pod IP:port) is mapped to the loopback port of
 *       a TestBackend started for that pod name ({@link LoopbackBackends}); the routes document's
 *       backend ids are pod names, and each TestBackend answers with its pod's name.
 *   <li>The operator asks each proxy pod for its session report through {@code adminTargets}:
 *       pod name -> that pod's in-process proxy's loopback admin port.
 * </ul>
 * Two more stand-ins for what a real cluster would have: the pool has no node placement fields, so
 * the test adds the KWOK node's nodeSelector and toleration to {@code web-proxy}'s pod template (as
 * a cluster's admission policy would; the operator leaves fields it does not set alone), and KWOK
 * ends a deleted backend pod 10-20 s into its 20 s grace period (its pod-delete stage's delay
 * annotation; by default it picks any time from 1 s to the whole grace period), like an app that
 * finishes its in-flight work and exits well after the 3 s drain.
 *
 * <p>Each step's duration (rollouts, scale to endpoints terminating, drain, removal) is measured
 * from watch events, printed, and written to {@code target/e2e-timings.txt}.
 */
class ScaleDownDrainClusterE2E {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.cluster();
  private static final String IMAGE = "ghcr.io/stickypool/stickypool:0.1.0";
  private static final int SESSIONS = 200;
  private static final long GRACE_SECONDS = 20;
  private static final String KWOK_DELETE_DELAY = "10s";
  private static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern MOVED = Pattern.compile("(\\d+) sessions moved from (\\S+) to");
  private static final Pattern CREDITED = Pattern.compile("(\\S+) \\(\\+(\\d+)\\)");
  private static final Pattern DRAINING = Pattern.compile("Backend (\\S+) draining with (?:at least )?(\\d+) live");

  private final KubernetesClient client = K8S.client();
  private final String ns = K8S.namespace();
  private final LoopbackBackends backends = new LoopbackBackends();
  private final Timeline timeline = new Timeline();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  /** The pool's Events as {@code Reason: message}, in the order the watch delivered them. */
  private final List<String> poolEvents = new CopyOnWriteArrayList<>();
  private final List<ProxyRuntime> proxies = new ArrayList<>();
  private final List<String> proxyNames = new ArrayList<>();
  private final Map<String, Integer> adminPorts = new ConcurrentHashMap<>();
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @AfterEach
  void stop() throws Exception {
    for (ProxyRuntime p : proxies) {
      p.shutdown(Duration.ofMillis(200));
      p.close();
    }
    operator.stop();
    informers.forEach(SharedIndexInformer::close);
    backends.close();
  }

  @Test
  void scaleDownDrainsOnceAndScaleUpMovesNobody() throws Exception {
    watchBackendPods();
    watchSlices();
    watchPoolEvents();
    client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("web")
        .endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(80)
        .withTargetPort(new IntOrString("http")).endPort().endSpec().build()).create();
    long t0 = System.nanoTime();
    client.apps().deployments().inNamespace(ns).resource(backendDeployment(4)).create();
    operator.start(client, OperatorSettings.builder(IMAGE).namespaces(Set.of(ns))
        .sessionRefresh(Duration.ofMillis(500)).drainRefresh(Duration.ofMillis(250))
        .adminTargets(pod -> Optional.ofNullable(adminPorts.get(pod.getMetadata().getName()))
            .map(port -> new AdminTarget(pod.getMetadata().getName(), "127.0.0.1", port)))
        .build());
    client.resources(StickyPool.class).inNamespace(ns).resource(pool()).create();
    await("web 4/4 Ready").atMost(WAIT).until(() -> rolledOut("web", 4));
    timeline.step("backend Deployment created -> 4/4 Ready (scheduler, KWOK)", t0, System.nanoTime());
    Set<String> original = readyBackendPods();
    assertThat(original).hasSize(4);
    await("routes list the 4 pods").atMost(WAIT).until(() -> activeInRoutes() == 4);
    timeline.step("backend Deployment created -> routes list 4 Active", t0, System.nanoTime());

    long p0 = System.nanoTime();
    List<String> proxyPods = placeProxiesOnKwokNode();
    timeline.step("web-proxy placed on the KWOK node -> 2/2 Ready", p0, System.nanoTime());
    for (String pod : proxyPods) {
      startProxy(pod);
    }
    List<Integer> ports = proxies.stream().map(p -> p.trafficAddress().getPort()).toList();

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<StickySession> sessions = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      sessions.add(new StickySession(http, ports, "stickypool"));
    }
    Map<String, Long> placedAt;
    Instant drainStarted;
    List<String> leaving;
    List<String> staying;
    try (LoadDriver load = LoadDriver.start(sessions, 8, Integer.MAX_VALUE)) {
      await().atMost(WAIT).until(() -> sessions.stream().allMatch(s -> s.backends().size() >= 2));
      placedAt = countBy(sessions, s -> s.backends().get(0));
      assertThat(placedAt.keySet()).as("sessions land on the Deployment's pods").isSubsetOf(original);
      await().atMost(WAIT).untilAsserted(() -> assertStatusSessions(placedAt));
      // Session-aware scale-down: each backend pod's deletion cost is its live session count.
      await().atMost(WAIT).untilAsserted(() -> original.forEach(pod -> assertThat(deletionCost(pod))
          .as(pod).isCloseTo(placedAt.getOrDefault(pod, 0L), percent(5))));
      Map<String, Long> costs = original.stream().collect(Collectors.toMap(p -> p, this::deletionCost));

      long s0 = System.nanoTime();
      drainStarted = Instant.now();
      client.apps().deployments().inNamespace(ns).withName("web").scale(2);
      await("2 pods terminating").atMost(WAIT).until(() -> terminatingBackendPods().size() == 2);
      leaving = List.copyOf(terminatingBackendPods());
      staying = original.stream().filter(p -> !leaving.contains(p)).sorted().toList();
      System.out.println("deletion costs " + costs + "; the ReplicaSet controller deletes " + leaving);
      assertThat(leaving.stream().mapToLong(costs::get).max().orElseThrow())
          .as("the ReplicaSet controller deletes the pods with the fewest sessions: costs %s, deleted %s", costs, leaving)
          .isLessThanOrEqualTo(staying.stream().mapToLong(costs::get).min().orElseThrow());

      await("leaving backends Drained").atMost(WAIT)
          .until(() -> leaving.stream().allMatch(p -> stateOf(p).equals("Drained")));
      await("leaving pods gone and out of the routes").atMost(WAIT)
          .until(() -> backendIdsInRoutes().equals(Set.copyOf(staying)) && proxiesServe(2, 2));
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(eventsOf("SessionsRebalanced")).hasSize(2);
        assertThat(eventsOf("BackendRemoved")).hasSize(2);
      });
      scaleDownTimings(s0, leaving);
      // Keep the load on for another two rounds of every session after the moves.
      int done = load.done();
      await().atMost(WAIT).until(() -> load.done() >= done + 2 * SESSIONS);
      assertThat(load.failures()).as("failed requests: first was %s", load.firstFailure()).isZero();
    }

    // Survivors' sessions never moved; leavers' sessions stayed while serving, then moved once.
    for (StickySession s : sessions) {
      String first = s.backends().get(0);
      if (staying.contains(first)) {
        assertThat(s.moves()).as("a session on a surviving backend").isZero();
      } else {
        assertThat(s.moves()).as("a session on a leaving backend").isEqualTo(1);
        int moved = firstIndexNotOn(s, first);
        assertThat(s.answeredAt().get(moved)).as("moved only after its backend's drain")
            .isAfter(drainStarted.plusSeconds(2));
      }
    }
    Map<String, Long> after = countBy(sessions, StickySession::lastBackend);
    assertThat(after).containsOnlyKeys(staying);
    double mean = SESSIONS / 2.0;
    assertThat(Collections.max(after.values()))
        .as("survivors within the bounded-load factor: %s", after)
        .isLessThanOrEqualTo((long) Math.ceil(mean * PlacementSettings.DEFAULT_BOUNDED_LOAD_FACTOR) + 2);

    System.out.println("placed: " + placedAt + ", after the drain: " + after);
    poolEvents.forEach(e -> System.out.println("Event " + e));
    assertDrainEvents(placedAt, leaving);
    // ... and say where the sessions went: each survivor credited with exactly what it gained.
    Map<String, Long> credited = new TreeMap<>();
    for (String e : eventsOf("SessionsRebalanced")) {
      Matcher m = CREDITED.matcher(e.substring(e.indexOf(" to ") + 4));
      while (m.find()) {
        credited.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
      }
    }
    for (String survivor : staying) {
      assertThat(credited.getOrDefault(survivor, 0L)).as("SessionsRebalanced credit %s, truth %s", credited, after)
          .isEqualTo(after.get(survivor) - placedAt.get(survivor));
    }

    // Scale up 2 -> 4: nobody moves, new sessions favour the new backends.
    long u0 = System.nanoTime();
    client.apps().deployments().inNamespace(ns).withName("web").scale(4);
    await("web 4/4 Ready again").atMost(WAIT).until(() -> rolledOut("web", 4));
    Set<String> added = readyBackendPods();
    added.removeAll(staying);
    assertThat(added).hasSize(2).doesNotContainAnyElementsOf(original);
    await().atMost(WAIT).until(() -> activeInRoutes() == 4 && proxiesServe(4, 4));
    scaleUpTimings(u0, added);
    List<StickySession> fresh = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      fresh.add(new StickySession(http, ports, "stickypool"));
    }
    List<StickySession> everyone = new ArrayList<>(sessions);
    everyone.addAll(fresh);
    int movesBefore = sessions.stream().mapToInt(StickySession::moves).sum();
    try (LoadDriver load = LoadDriver.start(everyone, 8, 3)) {
      await().atMost(WAIT).until(() -> load.done() == everyone.size() * 3);
      assertThat(load.failures()).as("first failure %s", load.firstFailure()).isZero();
    }
    assertThat(sessions.stream().mapToInt(StickySession::moves).sum()).as("existing sessions").isEqualTo(movesBefore);
    long onNew = fresh.stream().filter(s -> added.contains(s.lastBackend())).count();
    assertThat(onNew).as("new sessions on the new backends").isGreaterThanOrEqualTo(90);

    // The proxies ran as the same two pods throughout: the operator never undid their placement.
    assertThat(proxyPods()).containsExactlyInAnyOrderElementsOf(proxyNames);
    // The routes carried each pod's own (fake) IP and container port: only the last hop was remapped.
    assertThat(backends.publishedAddresses()).hasSize(6).allSatisfy((pod, address) ->
        assertThat(address).as(pod).matches("10\\.244\\.\\d+\\.\\d+:8080"));
    for (String pod : readyBackendPods()) {
      assertThat(backends.publishedAddresses().get(pod)).as(pod)
          .isEqualTo(client.pods().inNamespace(ns).withName(pod).get().getStatus().getPodIP() + ":8080");
    }

    String report = "ScaleDownDrainClusterE2E step timings (ms):\n" + timeline.report() + "\n";
    System.out.print(report);
    Files.writeString(Path.of("target/e2e-timings.txt"), report);
  }

  /** {@code web}: pods on the KWOK node, container port http 8080, a 20 s grace period. */
  private Deployment backendDeployment(int replicas) {
    return new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
        .withNewSpec().withReplicas(replicas)
        .withNewSelector().addToMatchLabels("app", "web").endSelector()
        .withNewTemplate()
            .withNewMetadata().addToLabels("app", "web")
                .addToAnnotations("pod-delete.stage.kwok.x-k8s.io/delay", KWOK_DELETE_DELAY).endMetadata()
            .withNewSpec()
                .withTerminationGracePeriodSeconds(GRACE_SECONDS)
                .withNodeSelector(Map.of("type", "kwok"))
                .withTolerations(kwokTolerations())
                .addNewContainer().withName("web").withImage("web:1")
                    .addNewPort().withName("http").withContainerPort(8080).endPort()
                .endContainer()
            .endSpec()
        .endTemplate().endSpec().build();
  }

  /** KWOK's usual taint and not-ready (ControlPlane lifts the latter; tolerating it costs nothing). */
  private static List<Toleration> kwokTolerations() {
    return List.of(
        new TolerationBuilder().withKey("kwok.x-k8s.io/node").withOperator("Exists").withEffect("NoSchedule").build(),
        new TolerationBuilder().withKey("node.kubernetes.io/not-ready").withOperator("Exists")
            .withEffect("NoSchedule").build());
  }

  private StickyPool pool() throws Exception {
    try (var in = new FileInputStream("samples/pool-cookie.yaml")) {
      StickyPool p = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
      p.getMetadata().setNamespace(ns);
      Drain drain = new Drain();
      drain.setDrainTimeout("3s");
      drain.setIdleSessionThreshold("60s");
      drain.setPodDeletionCost(true);
      p.getSpec().setDrain(drain);
      return p;
    }
  }

  /**
   * Adds the KWOK node's nodeSelector and toleration to the operator's proxy Deployment, waits for
   * the rollout and returns its two pods. Waits for the pool's first full status first, so the
   * operator is done creating the Deployment.
   */
  private List<String> placeProxiesOnKwokNode() {
    await("pool status written").atMost(WAIT).until(() -> {
      StickyPool p = client.resources(StickyPool.class).inNamespace(ns).withName("web").get();
      return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions()
          .stream().anyMatch(c -> "ProxyAvailable".equals(c.getType()));
    });
    client.apps().deployments().inNamespace(ns).withName("web-proxy").edit(d -> new DeploymentBuilder(d)
        .editSpec().editTemplate().editSpec()
            .withNodeSelector(Map.of("type", "kwok")).withTolerations(kwokTolerations())
        .endSpec().endTemplate().endSpec().build());
    await("web-proxy 2/2 Ready on the KWOK node").atMost(WAIT).until(() -> rolledOut("web-proxy", 2));
    await().atMost(WAIT).until(() -> proxyPods().size() == 2);
    // The operator reads the real Deployment controller's status.
    await("ProxyAvailable True").atMost(WAIT).until(() -> {
      StickyPool p = client.resources(StickyPool.class).inNamespace(ns).withName("web").get();
      return p.getStatus().getConditions().stream().anyMatch(c -> "ProxyAvailable".equals(c.getType())
          && "True".equals(c.getStatus()) && "2/2 proxy replicas ready".equals(c.getMessage()));
    });
    return proxyPods();
  }

  /** A proxy replica as its pod would run it, reading the routes ConfigMap through the API. */
  private void startProxy(String podName) throws Exception {
    ConfigMapRef ref = new ConfigMapRef(ns, "web-routes");
    ProxyConfig fromConfigMap = RoutesDocument.fetch(client, ref);
    ProxyConfig local = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0),
        new InetSocketAddress("127.0.0.1", 0), ProxySettings.defaults(), HealthSettings.defaults(),
        100_000, 2, null, null, backends.remap(fromConfigMap.routes()));
    KeyRing keys = SigningSecretModel.keyRing(
        client.secrets().inNamespace(ns).withName("web-keys").get()).orElseThrow();
    ProxyRuntime proxy = ProxyRuntime.start(local,
        remappedAndTimed(podName, new ConfigMapRoutesSource(client, ref)), keys);
    proxies.add(proxy);
    proxyNames.add(podName);
    adminPorts.put(podName, proxy.adminAddress().getPort());
  }

  /**
   * The proxy's own ConfigMap source with backend addresses mapped to the loopback backends, and
   * when this proxy first received each backend state recorded.
   */
  private RoutesSource remappedAndTimed(String proxy, RoutesSource source) {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    return new MappedRoutesSource(source, snapshot -> {
      RoutingSnapshot mapped = backends.remap(snapshot);
      Set<String> now = new HashSet<>();
      for (Backend b : mapped.backends()) {
        now.add(b.id().value());
        timeline.mark(proxy + " routes " + b.id().value() + " " + b.state());
      }
      seen.stream().filter(id -> !now.contains(id)).forEach(id -> timeline.mark(proxy + " routes " + id + " removed"));
      seen.addAll(now);
      return mapped;
    });
  }

  /** Backend pods: a loopback backend for each as it appears; Ready, terminating and gone times. */
  private void watchBackendPods() {
    informers.add(client.pods().inNamespace(ns).withLabel("app", "web").inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        backends.forPod(pod.getMetadata().getName());
        onUpdate(null, pod);
      }

      @Override
      public void onUpdate(Pod before, Pod pod) {
        String name = pod.getMetadata().getName();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
          timeline.mark("pod " + name + " terminating");
        } else if (ready(pod)) {
          timeline.mark("pod " + name + " ready");
        }
      }

      @Override
      public void onDelete(Pod pod, boolean finalStateUnknown) {
        timeline.mark("pod " + pod.getMetadata().getName() + " gone");
      }
    }));
  }

  /** The EndpointSlice controller's view of each pod: ready, serving+terminating, removed. */
  private void watchSlices() {
    Map<String, Set<String>> podsBySlice = new HashMap<>();
    informers.add(client.discovery().v1().endpointSlices().inNamespace(ns)
        .withLabel("kubernetes.io/service-name", "web").inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice slice) {
            onUpdate(null, slice);
          }

          @Override
          public synchronized void onUpdate(EndpointSlice before, EndpointSlice slice) {
            Set<String> pods = new HashSet<>();
            for (var e : Optional.ofNullable(slice.getEndpoints()).orElse(List.of())) {
              String pod = e.getTargetRef().getName();
              pods.add(pod);
              var c = e.getConditions();
              if (Boolean.TRUE.equals(c.getReady())) {
                timeline.mark("endpoint " + pod + " ready");
              }
              if (Boolean.TRUE.equals(c.getServing()) && Boolean.TRUE.equals(c.getTerminating())) {
                timeline.mark("endpoint " + pod + " serving+terminating");
              }
            }
            changed(slice.getMetadata().getName(), pods);
          }

          @Override
          public synchronized void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
            changed(slice.getMetadata().getName(), Set.of());
          }

          private void changed(String slice, Set<String> pods) {
            Set<String> before = podsBySlice.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
            podsBySlice.put(slice, pods);
            Set<String> now = podsBySlice.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
            before.stream().filter(p -> !now.contains(p)).forEach(p -> timeline.mark("endpoint " + p + " removed"));
          }
        }));
  }

  /** The pool's Events in the order they were written (the watch delivers them in that order). */
  private void watchPoolEvents() {
    informers.add(client.v1().events().inNamespace(ns).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Event e) {
        if ("StickyPool".equals(e.getInvolvedObject().getKind())) {
          poolEvents.add(e.getReason() + ": " + e.getMessage());
          timeline.mark("event " + e.getReason() + " #" + eventsOf(e.getReason()).size());
        }
      }

      @Override
      public void onUpdate(Event before, Event e) {}

      @Override
      public void onDelete(Event e, boolean finalStateUnknown) {}
    }));
  }

  private void scaleDownTimings(long s0, List<String> leaving) {
    timeline.step("scale 4->2 -> 2 pods terminating (ReplicaSet controller)", s0, each(leaving, "pod %s terminating"));
    timeline.step("scale 4->2 -> endpoints serving+terminating (EndpointSlice ctrl)", s0,
        each(leaving, "endpoint %s serving+terminating"));
    timeline.step("scale 4->2 -> both proxies route them Draining", s0, viaProxies(leaving, BackendState.DRAINING));
    timeline.step("scale 4->2 -> both proxies route them Drained (3s drainTimeout)", s0, viaProxies(leaving, BackendState.DRAINED));
    timeline.step("scale 4->2 -> 2nd SessionsRebalanced Event", s0, List.of("event SessionsRebalanced #2"));
    timeline.step("scale 4->2 -> pods gone (KWOK, 10-20s of the 20s grace)", s0, each(leaving, "pod %s gone"));
    timeline.step("scale 4->2 -> endpoints removed", s0, each(leaving, "endpoint %s removed"));
    timeline.step("scale 4->2 -> both proxies route without them", s0, viaProxies(leaving, "removed"));
  }

  private void scaleUpTimings(long u0, Set<String> added) {
    List<String> pods = List.copyOf(added);
    timeline.step("scale 2->4 -> 2 new pods Ready (scheduler, KWOK)", u0, each(pods, "pod %s ready"));
    timeline.step("scale 2->4 -> their endpoints ready", u0, each(pods, "endpoint %s ready"));
    timeline.step("scale 2->4 -> both proxies route them Active", u0, viaProxies(pods, BackendState.ACTIVE));
  }

  private static List<String> each(List<String> pods, String format) {
    return pods.stream().map(p -> String.format(format, p)).toList();
  }

  /** Every proxy's first snapshot routing each pod as {@code what} (a BackendState or "removed"). */
  private List<String> viaProxies(List<String> pods, Object what) {
    return proxyNames.stream().flatMap(proxy -> pods.stream().map(p -> proxy + " routes " + p + " " + what)).toList();
  }

  /** Per leaving backend: Draining, then Drained, then its sessions moved, then Removed; counts near the truth. */
  private void assertDrainEvents(Map<String, Long> placedAt, List<String> leaving) {
    for (String e : eventsOf("BackendDraining")) {
      Matcher m = DRAINING.matcher(e);
      assertThat(m.find()).as(e).isTrue();
      assertThat(Long.parseLong(m.group(2))).as(e).isCloseTo(placedAt.get(m.group(1)), percent(5));
    }
    // The proxies count their re-pins: each leaver's Event tells exactly its users, who each moved once.
    for (String e : eventsOf("SessionsRebalanced")) {
      Matcher m = MOVED.matcher(e);
      assertThat(m.find()).as(e).isTrue();
      assertThat(Long.parseLong(m.group(1))).as(e).isEqualTo(placedAt.get(m.group(2)));
    }
    assertThat(eventsOf("BackendDraining")).hasSize(2);
    assertThat(eventsOf("BackendDrained")).hasSize(2);
    assertThat(eventsOf("BackendRemoved")).hasSize(2);
    for (String pod : leaving) {
      int draining = indexOf("BackendDraining: Backend " + pod + " ");
      int drained = indexOf("BackendDrained: Backend " + pod + " ");
      int moved = indexOf("SessionsRebalanced: ", "sessions moved from " + pod + " ");
      int removed = indexOf("BackendRemoved: Backend " + pod + ":");
      assertThat(List.of(draining, drained, moved, removed)).as("Events of %s: %s", pod, poolEvents)
          .doesNotContain(-1).isSorted();
    }
  }

  private int indexOf(String prefix) {
    return indexOf(prefix, "");
  }

  private int indexOf(String prefix, String part) {
    for (int i = 0; i < poolEvents.size(); i++) {
      if (poolEvents.get(i).startsWith(prefix) && poolEvents.get(i).contains(part)) {
        return i;
      }
    }
    return -1;
  }

  private List<String> eventsOf(String reason) {
    return poolEvents.stream().filter(e -> e.startsWith(reason + ": ")).toList();
  }

  private boolean rolledOut(String deployment, int replicas) {
    Deployment d = client.apps().deployments().inNamespace(ns).withName(deployment).get();
    if (d == null || d.getStatus() == null || d.getStatus().getObservedGeneration() == null) {
      return false;
    }
    var s = d.getStatus();
    return s.getObservedGeneration() >= d.getMetadata().getGeneration()
        && Integer.valueOf(replicas).equals(s.getUpdatedReplicas())
        && Integer.valueOf(replicas).equals(s.getReadyReplicas())
        && Integer.valueOf(replicas).equals(s.getReplicas());
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private Set<String> readyBackendPods() {
    return client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && ready(p))
        .map(p -> p.getMetadata().getName()).collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  private List<String> terminatingBackendPods() {
    return client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() != null)
        .map(p -> p.getMetadata().getName()).sorted().toList();
  }

  private List<String> proxyPods() {
    return client.pods().inNamespace(ns).withLabel("app.kubernetes.io/name", "stickypool-proxy")
        .withLabel("app.kubernetes.io/instance", "web").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getName()).sorted().toList();
  }

  private long deletionCost(String pod) {
    Pod p = client.pods().inNamespace(ns).withName(pod).get();
    return Long.parseLong(Optional.ofNullable(p.getMetadata().getAnnotations()).orElse(Map.of())
        .getOrDefault(DELETION_COST, "-1"));
  }

  private boolean proxiesServe(int backendsListed, int active) {
    return proxies.stream().allMatch(p -> {
      var listed = p.routingState().current().table().backends();
      return listed.size() == backendsListed
          && listed.stream().filter(b -> b.state() == BackendState.ACTIVE).count() == active;
    });
  }

  private void assertStatusSessions(Map<String, Long> truth) {
    StickyPool p = client.resources(StickyPool.class).inNamespace(ns).withName("web").get();
    assertThat(p.getStatus().getSessionsReportedBy()).isEqualTo("2/2");
    assertThat(p.getStatus().getSessions()).isCloseTo((long) SESSIONS, percent(5));
    for (BackendStatus b : p.getStatus().getBackends()) {
      assertThat(b.getSessions()).as(b.getId()).isCloseTo(truth.getOrDefault(b.getId(), 0L), percent(5));
    }
  }

  private static org.assertj.core.data.Offset<Long> percent(int p) {
    return org.assertj.core.data.Offset.offset(Math.max(1L, SESSIONS * p / 100L));
  }

  private String stateOf(String backend) {
    StickyPool p = client.resources(StickyPool.class).inNamespace(ns).withName("web").get();
    return p.getStatus() == null || p.getStatus().getBackends() == null ? "" : p.getStatus().getBackends()
        .stream().filter(b -> b.getId().equals(backend)).map(b -> b.getState().name()).findFirst().orElse("");
  }

  private long activeInRoutes() {
    var cm = client.configMaps().inNamespace(ns).withName("web-routes").get();
    return cm == null ? 0 : cm.getData().get("proxy.json").split("\"Active\"", -1).length - 1;
  }

  private Set<String> backendIdsInRoutes() throws Exception {
    var cm = client.configMaps().inNamespace(ns).withName("web-routes").get();
    Set<String> ids = new HashSet<>();
    new com.fasterxml.jackson.databind.ObjectMapper().readTree(cm.getData().get("proxy.json")).get("backends")
        .forEach(b -> ids.add(b.get("id").asText()));
    return ids;
  }

  private static int firstIndexNotOn(StickySession s, String backend) {
    for (int i = 0; i < s.backends().size(); i++) {
      if (!s.backends().get(i).equals(backend)) {
        return i;
      }
    }
    throw new AssertionError("never left " + backend);
  }

  private static Map<String, Long> countBy(List<StickySession> sessions, Function<StickySession, String> key) {
    return sessions.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
  }
}
