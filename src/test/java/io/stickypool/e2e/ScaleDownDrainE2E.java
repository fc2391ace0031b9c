package io.stickypool.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.Drain;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.operator.OperatorSettings;
import io.stickypool.operator.StickyPoolOperator;
import io.stickypool.operator.model.SigningSecretModel;
import io.stickypool.operator.sessions.AdminTarget;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.routes.RoutesListener;
import io.stickypool.proxy.routes.RoutesSource;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRoutesSource;
import io.stickypool.proxy.routes.kubernetes.RoutesDocument;
import io.stickypool.testing.LoadDriver;
import io.stickypool.testing.StickySession;
import io.stickypool.testing.TestBackend;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drain story end to end in one JVM: the fabric8 mock API (CRUD), the real operator, two real
 * proxies that read their routes ConfigMap through the API, and four real HTTP backends whose
 * EndpointSlices this test writes the way the endpoints controller would. 200 sessions alternate
 * between the two proxies under steady load while the backend scales 4 -> 2 and back to 4.
 */
@EnableKubernetesMockClient(crud = true)
class ScaleDownDrainE2E {
  private static final String NS = "shop";
  private static final int SESSIONS = 200;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern MOVED = Pattern.compile("(\\d+) sessions moved from (\\S+) to");
  private static final Pattern DRAINING = Pattern.compile("Backend (\\S+) draining with (?:at least )?(\\d+) live");

  KubernetesClient client;

  private final Map<String, TestBackend> backends = new TreeMap<>();
  private final List<ProxyRuntime> proxies = new ArrayList<>();
  private final Map<String, Integer> adminPorts = new ConcurrentHashMap<>();
  /** Per proxy: snapshot version -> when its routes source delivered it (the proxy applies it then). */
  private final List<Map<Long, Long>> deliveredAt = new ArrayList<>();
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @AfterEach
  void stop() throws Exception {
    for (ProxyRuntime p : proxies) {
      p.shutdown(Duration.ofMillis(200));
      p.close();
    }
    operator.stop();
    for (TestBackend b : backends.values()) {
      b.close();
    }
  }

  @Test
  void scaleDownDrainsOnceAndScaleUpMovesNobody() throws Exception {
    installCrdAndService();
    for (int i = 0; i < 4; i++) {
      addBackend("web-" + i);
    }
    operator.start(client, OperatorSettings.builder("ghcr.io/stickypool/stickypool:0.1.0")
        .sessionRefresh(Duration.ofMillis(500)).drainRefresh(Duration.ofMillis(250))
        .adminTargets(pod -> Optional.ofNullable(adminPorts.get(pod.getMetadata().getName()))
            .map(port -> new AdminTarget(pod.getMetadata().getName(), "127.0.0.1", port)))
        .build());
    client.resources(StickyPool.class).inNamespace(NS).resource(pool()).create();
    await().atMost(WAIT).until(() -> activeInRoutes() == 4);
    startProxy("web-proxy-a");
    startProxy("web-proxy-b");
    List<Integer> ports = proxies.stream().map(p -> p.trafficAddress().getPort()).toList();

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<StickySession> sessions = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      sessions.add(new StickySession(http, ports, "stickypool"));
    }
    Map<String, Long> placedAt;
    Instant drainStarted;
    Map<Long, Long> changeWrittenAt = new TreeMap<>();
    try (LoadDriver load = LoadDriver.start(sessions, 8, Integer.MAX_VALUE)) {
      await().atMost(WAIT).until(() -> sessions.stream().allMatch(s -> s.backends().size() >= 2));
      placedAt = countBy(sessions, s -> s.backends().get(0));
      await().atMost(WAIT).untilAsserted(() -> assertStatusSessions(placedAt));
      // Session-aware scale-down: each backend pod's deletion cost is its live session count.
      await().atMost(WAIT).untilAsserted(() -> placedAt.forEach((pod, n) -> assertThat(Long.parseLong(
          client.pods().inNamespace(NS).withName(pod).get().getMetadata().getAnnotations()
              .getOrDefault("controller.kubernetes.io/pod-deletion-cost", "-1")))
          .as(pod).isCloseTo(n, percent(5))));

      drainStarted = Instant.now();
      for (String leaving : List.of("web-2", "web-3")) {
        changeWrittenAt.put(routesVersion() + 1, System.nanoTime());
        writeSlice(leaving, true);
        long expected = changeWrittenAt.keySet().stream().max(Long::compare).orElseThrow();
        await().atMost(WAIT).until(() -> routesVersion() >= expected);
      }
      await().atMost(WAIT).until(() -> stateOf("web-2").equals("Drained") && stateOf("web-3").equals("Drained"));
      for (String leaving : List.of("web-2", "web-3")) {
        changeWrittenAt.put(routesVersion() + 1, System.nanoTime());
        client.discovery().v1().endpointSlices().inNamespace(NS).withName(leaving).delete();
        long expected = changeWrittenAt.keySet().stream().max(Long::compare).orElseThrow();
        await().atMost(WAIT).until(() -> routesVersion() >= expected);
      }
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(events("SessionsRebalanced")).extracting(Event::getMessage).hasSize(2));
      // Keep the load on for another two rounds of every session after the moves.
      int done = load.done();
      await().atMost(WAIT).until(() -> load.done() >= done + 2 * SESSIONS);
      assertThat(load.failures()).as("failed requests: first was %s", load.firstFailure()).isZero();
    }

    // Survivors' sessions never moved; leavers' sessions stayed while serving, then moved once.
    for (StickySession s : sessions) {
      String first = s.backends().get(0);
      if (first.equals("web-0") || first.equals("web-1")) {
        assertThat(s.moves()).as("a session on a surviving backend").isZero();
      } else {
        assertThat(s.moves()).as("a session on a leaving backend").isEqualTo(1);
        int moved = firstIndexNotOn(s, first);
        assertThat(s.answeredAt().get(moved)).as("moved only after its backend's drain")
            .isAfter(drainStarted.plusSeconds(2));
      }
    }
    Map<String, Long> after = countBy(sessions, StickySession::lastBackend);
    assertThat(after).containsOnlyKeys("web-0", "web-1");
    double mean = SESSIONS / 2.0;
    assertThat(Collections.max(after.values()))
        .as("survivors within the bounded-load factor: %s", after)
        .isLessThanOrEqualTo((long) Math.ceil(mean * PlacementSettings.DEFAULT_BOUNDED_LOAD_FACTOR) + 2);

    // The pool's Events tell the story with counts close to the truth the test knows.
    System.out.println("placed: " + placedAt + ", after the drain: " + after);
    for (String reason : List.of("BackendDraining", "BackendDrained", "SessionsRebalanced", "BackendRemoved")) {
      events(reason).forEach(e -> System.out.println("Event " + reason + ": " + e.getMessage()));
    }
    for (Event e : events("BackendDraining")) {
      Matcher m = DRAINING.matcher(e.getMessage());
      assertThat(m.find()).as(e.getMessage()).isTrue();
      assertThat(Long.parseLong(m.group(2))).as(e.getMessage()).isCloseTo(placedAt.get(m.group(1)), percent(5));
    }
    assertThat(events("BackendDraining")).hasSize(2);
    assertThat(events("BackendDrained")).hasSize(2);
    for (Event e : events("SessionsRebalanced")) {
      Matcher m = MOVED.matcher(e.getMessage());
      assertThat(m.find()).as(e.getMessage()).isTrue();
      assertThat(Long.parseLong(m.group(1))).as(e.getMessage()).isCloseTo(placedAt.get(m.group(2)), percent(5));
    }
    assertThat(events("BackendRemoved")).hasSize(2);

    // Scale up 2 -> 4: nobody moves, new sessions favour the new backends.
    addBackend("web-4");
    addBackend("web-5");
    await().atMost(WAIT).until(() -> activeInRoutes() == 4 && proxiesServe(4));
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
    long onNew = fresh.stream().filter(s -> s.lastBackend().equals("web-4") || s.lastBackend().equals("web-5")).count();
    assertThat(onNew).as("new sessions on the new backends").isGreaterThanOrEqualTo(90);

    report(changeWrittenAt);
  }

  private void installCrdAndService() {
    var crd = client.getKubernetesSerialization().unmarshal(getClass().getResourceAsStream(
        "/META-INF/fabric8/stickypools.stickypool.io-v1.yml"), CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("web")
        .endMetadata().withNewSpec().addNewPort().withName("http").withPort(80)
        .withTargetPort(new IntOrString(8080)).endPort().endSpec().build()).create();
  }

  private StickyPool pool() throws Exception {
    try (var in = new FileInputStream("samples/pool-cookie.yaml")) {
      StickyPool p = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
      p.getMetadata().setNamespace(NS);
      Drain drain = new Drain();
      drain.setDrainTimeout("3s");
      drain.setIdleSessionThreshold("60s");
      drain.setPodDeletionCost(true);
      p.getSpec().setDrain(drain);
      return p;
    }
  }

  /** A real backend and the EndpointSlice the endpoints controller would write for its pod. */
  private void addBackend(String id) throws Exception {
    backends.put(id, TestBackend.start(id));
    client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(id)
        .addToLabels("app", "web").endMetadata().withNewSpec().withTerminationGracePeriodSeconds(30L)
        .addNewContainer().withName("web").withImage("web").endContainer().endSpec().build()).create();
    writeSlice(id, false);
  }

  /** One slice per pod: each test backend listens on its own loopback port. */
  private void writeSlice(String id, boolean terminating) {
    EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata().withName(id).withNamespace(NS)
        .addToLabels("kubernetes.io/service-name", "web").endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses("127.0.0.1")
            .withNewConditions().withReady(!terminating).withServing(true).withTerminating(terminating)
            .endConditions()
            .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName(id).withNamespace(NS).build())
        .endEndpoint()
        .addNewPort().withName("http").withPort(backends.get(id).port()).withProtocol("TCP").endPort()
        .build();
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(slice).createOr(s -> s.update());
  }

  /** A proxy replica as its pod would run it, plus the Pod object the operator finds it by. */
  private void startProxy(String podName) throws Exception {
    ConfigMapRef ref = new ConfigMapRef(NS, "web-routes");
    ProxyConfig fromConfigMap = RoutesDocument.fetch(client, ref);
    ProxyConfig local = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0),
        new InetSocketAddress("127.0.0.1", 0), ProxySettings.defaults(), HealthSettings.defaults(),
        100_000, 2, null, null, fromConfigMap.routes());
    KeyRing keys = SigningSecretModel.keyRing(
        client.secrets().inNamespace(NS).withName("web-keys").get()).orElseThrow();
    ProxyRuntime proxy = ProxyRuntime.start(local, timed(new ConfigMapRoutesSource(client, ref)), keys);
    proxies.add(proxy);
    adminPorts.put(podName, proxy.adminAddress().getPort());
    Pod pod = new PodBuilder().withNewMetadata().withName(podName).withNamespace(NS)
        .addToLabels("app.kubernetes.io/name", "stickypool-proxy")
        .addToLabels("app.kubernetes.io/instance", "web")
        .addToLabels("app.kubernetes.io/managed-by", "stickypool-operator")
        .addToLabels("stickypool.io/pool", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("proxy").withImage("stickypool").endContainer().endSpec()
        .build();
    pod = client.pods().inNamespace(NS).resource(pod).create();
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPodIP("10.9.0." + proxies.size())
        .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
    client.pods().inNamespace(NS).resource(pod).updateStatus();
  }

  /** The proxy's own ConfigMap source, with the time each snapshot is handed to the proxy recorded. */
  private RoutesSource timed(RoutesSource source) {
    Map<Long, Long> times = new ConcurrentHashMap<>();
    deliveredAt.add(times);
    return new RoutesSource() {
      @Override
      public void start(RoutesListener listener) throws Exception {
        source.start(new RoutesListener() {
          @Override
          public void onRoutes(RoutingSnapshot snapshot, String origin) {
            times.putIfAbsent(snapshot.version(), System.nanoTime());
            listener.onRoutes(snapshot, origin);
          }

          @Override
          public void onRoutesError(String origin, String detail) {
            listener.onRoutesError(origin, detail);
          }
        });
      }

      @Override
      public String describe() {
        return source.describe();
      }

      @Override
      public void close() {
        source.close();
      }
    };
  }

  private boolean proxiesServe(int active) {
    return proxies.stream().allMatch(p -> p.routingState().current().table().backends().stream()
        .filter(b -> b.state() == io.stickypool.core.backend.BackendState.ACTIVE).count() == active);
  }

  private void assertStatusSessions(Map<String, Long> truth) {
    StickyPool p = client.resources(StickyPool.class).inNamespace(NS).withName("web").get();
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
    StickyPool p = client.resources(StickyPool.class).inNamespace(NS).withName("web").get();
    return p.getStatus() == null || p.getStatus().getBackends() == null ? "" : p.getStatus().getBackends()
        .stream().filter(b -> b.getId().equals(backend)).map(b -> b.getState().name()).findFirst().orElse("");
  }

  private long activeInRoutes() {
    var cm = client.configMaps().inNamespace(NS).withName("web-routes").get();
    return cm == null ? 0 : cm.getData().get("proxy.json").split("\"Active\"", -1).length - 1;
  }

  private long routesVersion() {
    var cm = client.configMaps().inNamespace(NS).withName("web-routes").get();
    return Long.parseLong(cm.getMetadata().getAnnotations().get("stickypool.io/snapshot-version"));
  }

  private List<String> reasons() {
    return client.v1().events().inNamespace(NS).list().getItems().stream().map(Event::getReason).toList();
  }

  private List<Event> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason())).toList();
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

  /** EndpointSlice write -> both proxies serving the snapshot it produced. */
  private void report(Map<Long, Long> writtenAt) throws Exception {
    List<Double> ms = new ArrayList<>();
    writtenAt.forEach((version, t0) -> {
      // Both proxies serve it once the later of the two has it (or a newer snapshot).
      long[] firstPerProxy = deliveredAt.stream().mapToLong(times -> times.entrySet().stream()
          .filter(e -> e.getKey() >= version).mapToLong(Map.Entry::getValue).min().orElse(Long.MAX_VALUE))
          .toArray();
      long both = java.util.Arrays.stream(firstPerProxy).max().orElse(Long.MAX_VALUE);
      if (both != Long.MAX_VALUE) {
        ms.add((both - t0) / 1e6);
      }
    });
    Collections.sort(ms);
    String line = String.format("E2E EndpointSlice write -> both proxies serving it: n=%d p50=%.0f ms p99=%.0f ms max=%.0f ms%n",
        ms.size(), ms.get(ms.size() / 2), ms.get((int) Math.ceil(ms.size() * 0.99) - 1), ms.get(ms.size() - 1));
    System.out.print(line);
    Files.writeString(Path.of("target/e2e-latency.txt"), line);
  }
}
