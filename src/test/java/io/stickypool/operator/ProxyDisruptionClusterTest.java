package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stickypool.api.v1alpha1.Proxy;
import io.stickypool.api.v1alpha1.ProxyPodTemplate;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import io.stickypool.testing.cluster.KwokNodes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The proxy through node drains on a full control plane: kube-scheduler places the proxy pods on
 * KWOK nodes of this test's own (selected by spec.proxy.podTemplate.nodeSelector, so no other
 * test's pods land there), the disruption controller keeps the pool's PodDisruptionBudget's
 * status, and the real {@code kubectl drain} evicts through the eviction API. A watch on the proxy
 * pods checks, at every change, that at least one is Ready and not terminating. KWOK marks a
 * scheduled pod Ready at once and removes a deleted one within its grace period (the proxy's 45 s).
 */
class ProxyDisruptionClusterTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.cluster();
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String NODE_LABEL = "stickypool.io/test-nodes";
  private static final String ZONE = "topology.kubernetes.io/zone";

  private final KubernetesClient client = K8S.client();
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private final KwokNodes nodes = new KwokNodes(K8S.controlPlane());
  private final List<String> timeline = new CopyOnWriteArrayList<>();
  private final List<Integer> readyCounts = new CopyOnWriteArrayList<>();
  private SharedIndexInformer<Pod> watch;
  private TestCluster cluster;
  private String ns;
  private String group;

  @BeforeEach
  void start() {
    cluster = TestCluster.inNewNamespace(client, K8S.namespace());
    ns = cluster.namespace();
    group = "g" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    operator.start(client, cluster.operatorSettings().build());
    cluster.createService("web");
    cluster.writeSlice("web", 2);
  }

  @AfterEach
  void stop() {
    if (watch != null) {
      watch.close();
    }
    operator.stop();
    cluster.deleteNamespace();
    nodes.deleteAll();
  }

  @Test
  void spreadsTheProxiesAndADrainLeavesOneReadyThroughout() throws Exception {
    List<String> names = List.of(node("a"), node("b"), node("c"));
    names.forEach(n -> nodes.create(n, Map.of(NODE_LABEL, group)));
    cluster.createPool(pool());

    PodDisruptionBudget pdb = awaitBudget();
    assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    assertThat(pdb.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(r -> assertThat(r.getName() + " " + r.getController()).isEqualTo("web true"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(readyProxies()).as(describe()).hasSize(2));
    assertThat(readyProxies().stream().map(p -> p.getSpec().getNodeName()).distinct())
        .as("one proxy per node: %s", describe()).hasSize(2).allMatch(names::contains);
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition("web", "ProxyDisruptionTolerant"))
        .hasValueSatisfying(c -> assertThat(c.getStatus() + " " + c.getMessage())
            .isEqualTo("True PodDisruptionBudget web-proxy (maxUnavailable 1): evictions take at most 1 of 2"
                + " proxy replicas at a time")));
    watchProxies();
    String drained = readyProxies().get(0).getSpec().getNodeName();

    String output = drain(drained, "120s");

    assertThat(output).contains("evicting pod " + ns + "/web-proxy-", "node/" + drained + " drained");
    await().atMost(WAIT).untilAsserted(() -> assertThat(readyProxies()).as(describe()).hasSize(2)
        .noneMatch(p -> drained.equals(p.getSpec().getNodeName())));
    assertThat(readyCounts).as("ready proxies at each change: %s", timeline).isNotEmpty().allMatch(n -> n >= 1);
  }

  @Test
  void prefersAnotherZoneWhereNodesHaveZones() {
    String a = node("a");
    String b = node("b");
    String c = node("c");
    nodes.create(a, Map.of(NODE_LABEL, group, ZONE, "zone-1"));
    nodes.create(b, Map.of(NODE_LABEL, group, ZONE, "zone-1"));
    nodes.create(c, Map.of(NODE_LABEL, group, ZONE, "zone-2"));

    cluster.createPool(pool());

    await().atMost(WAIT).untilAsserted(() -> assertThat(readyProxies()).as(describe()).hasSize(2));
    assertThat(readyProxies().stream().map(p -> p.getSpec().getNodeName()))
        .as("one proxy in each zone: %s", describe()).containsOnlyOnce(c).doesNotHaveDuplicates();
  }

  @Test
  void aDrainWaitsWhileItWouldTakeTheLastReadyProxy() throws Exception {
    String a = node("a");
    String b = node("b");
    nodes.create(a, Map.of(NODE_LABEL, group));
    nodes.create(b, Map.of(NODE_LABEL, group));
    kubectl(60, "cordon", b);
    cluster.createPool(pool());
    awaitBudget();
    await().atMost(WAIT).untilAsserted(() -> assertThat(readyProxies()).as(describe()).hasSize(2)
        .allMatch(p -> a.equals(p.getSpec().getNodeName())));
    await().atMost(WAIT).until(() -> Integer.valueOf(1).equals(disruptionsAllowed()));
    watchProxies();

    String held = drain(a, "20s");

    assertThat(held).as("the second eviction is refused while the first's replacement has nowhere to run")
        .contains("disruption budget");
    assertThat(readyProxies()).as(describe()).hasSize(1);
    kubectl(60, "uncordon", b);
    String output = drain(a, "120s");
    assertThat(output).contains("node/" + a + " drained");
    await().atMost(WAIT).untilAsserted(() -> assertThat(readyProxies()).as(describe()).hasSize(2)
        .allMatch(p -> b.equals(p.getSpec().getNodeName())));
    assertThat(readyCounts).as("ready proxies at each change: %s", timeline).isNotEmpty().allMatch(n -> n >= 1);
  }

  @Test
  void followsAPodTemplateEditInOneWriteAndRefusesAnInvalidOne() throws Exception {
    String plain = node("a");
    String edge = node("e");
    nodes.create(plain, Map.of(NODE_LABEL, group));
    nodes.create(edge, Map.of(NODE_LABEL, group, "pool-role", "edge"));
    client.nodes().withName(edge).edit(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n).editSpec()
        .addNewTaint().withKey("dedicated").withValue("edge").withEffect("NoSchedule").endTaint().endSpec().build());
    String priority = ns + "-proxy";
    client.scheduling().v1().priorityClasses().resource(new io.fabric8.kubernetes.api.model.scheduling.v1
        .PriorityClassBuilder().withNewMetadata().withName(priority).endMetadata().withValue(100000).build()).create();
    try {
      cluster.createPool(pool());
      await().atMost(WAIT).untilAsserted(() -> assertThat(readyProxies()).as(describe()).hasSize(2)
          .allMatch(p -> plain.equals(p.getSpec().getNodeName())));
      long generation = proxyDeployment().getMetadata().getGeneration();

      cluster.editPool("web", p -> {
        ProxyPodTemplate t = p.getSpec().getProxy().getPodTemplate();
        t.setNodeSelector(Map.of(NODE_LABEL, group, "pool-role", "edge"));
        t.setTolerations(List.of(new io.fabric8.kubernetes.api.model.TolerationBuilder()
            .withKey("dedicated").withOperator("Equal").withValue("edge").withEffect("NoSchedule").build()));
        t.setPriorityClassName(priority);
      });

      await().atMost(WAIT).untilAsserted(() -> assertThat(readyProxies()).as(describe()).hasSize(2)
          .allMatch(p -> edge.equals(p.getSpec().getNodeName()))
          .allMatch(p -> Integer.valueOf(100000).equals(p.getSpec().getPriority())));
      assertThat(proxyDeployment().getMetadata().getGeneration()).as("one write of the proxy Deployment's spec")
          .isEqualTo(generation + 1);

      Run refused = kubectl(60, "-n", ns, "patch", "stickypool", "web", "--type=merge", "-p",
          "{\"spec\":{\"proxy\":{\"podTemplate\":{\"labels\":{\"app.kubernetes.io/instance\":\"other\"}}}}}");
      assertThat(refused.exit()).isNotZero();
      assertThat(refused.output()).contains("labels may not set app.kubernetes.io/name");
      assertThat(proxyDeployment().getMetadata().getGeneration()).isEqualTo(generation + 1);
    } finally {
      client.scheduling().v1().priorityClasses().withName(priority).delete();
    }
  }

  private io.fabric8.kubernetes.api.model.apps.Deployment proxyDeployment() {
    return client.apps().deployments().inNamespace(ns).withName("web-proxy").get();
  }

  private String node(String suffix) {
    return ns.replaceAll("[^a-z0-9-]", "") + "-" + suffix;
  }

  /** Pool {@code web} with 2 proxy replicas, held to this test's nodes. */
  private StickyPool pool() {
    StickyPool pool = cluster.samplePool("pool-cookie.yaml");
    Proxy proxy = pool.getSpec().getProxy() == null ? new Proxy() : pool.getSpec().getProxy();
    proxy.setReplicas(2);
    ProxyPodTemplate template = new ProxyPodTemplate();
    template.setNodeSelector(Map.of(NODE_LABEL, group));
    proxy.setPodTemplate(template);
    pool.getSpec().setProxy(proxy);
    return pool;
  }

  private PodDisruptionBudget awaitBudget() {
    await().atMost(WAIT).until(() -> budget() != null);
    return budget();
  }

  private PodDisruptionBudget budget() {
    return client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("web-proxy").get();
  }

  private Integer disruptionsAllowed() {
    PodDisruptionBudget pdb = budget();
    return pdb == null || pdb.getStatus() == null ? null : pdb.getStatus().getDisruptionsAllowed();
  }

  /** Records, at every change of a proxy pod, how many are Ready and not terminating. */
  private void watchProxies() {
    watch = client.pods().inNamespace(ns).withLabel("app.kubernetes.io/instance", "web")
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            record("added", pod);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            record("updated", pod);
          }

          @Override
          public void onDelete(Pod pod, boolean unknownFinalState) {
            record("deleted", pod);
          }
        });
  }

  private void record(String change, Pod pod) {
    int ready = (int) watch.getStore().list().stream().filter(ProxyDisruptionClusterTest::serving).count();
    readyCounts.add(ready);
    timeline.add(change + " " + pod.getMetadata().getName() + " on " + pod.getSpec().getNodeName()
        + (serving(pod) ? " ready" : "") + " -> " + ready + " ready");
  }

  private List<Pod> readyProxies() {
    return client.pods().inNamespace(ns).withLabel("app.kubernetes.io/instance", "web").list().getItems()
        .stream().filter(ProxyDisruptionClusterTest::serving).toList();
  }

  private static boolean serving(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private String describe() {
    return "pods " + client.pods().inNamespace(ns).list().getItems().stream()
        .map(p -> p.getMetadata().getName() + " on " + p.getSpec().getNodeName() + " " + p.getStatus().getPhase()
            + (p.getMetadata().getDeletionTimestamp() != null ? " terminating" : "")).toList()
        + "; budget " + (budget() == null ? null : budget().getStatus())
        + "; events " + cluster.events().stream().map(e -> e.getReason() + ": " + e.getMessage()).toList();
  }

  /** The real kubectl drain, with the pods' own grace periods; returns its output (exit code aside). */
  private String drain(String node, String timeout) throws Exception {
    return kubectl(180, "drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=" + timeout)
        .output();
  }

  private record Run(int exit, String output) {}

  private Run kubectl(int seconds, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(K8S.controlPlane().kubectl().toString(),
        "--kubeconfig", K8S.controlPlane().kubeconfig().toString()));
    command.addAll(List.of(args));
    System.out.println("$ kubectl " + String.join(" ", args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("kubectl %s finished", String.join(" ", args)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.println(output);
    return new Run(p.exitValue(), output);
  }
}
