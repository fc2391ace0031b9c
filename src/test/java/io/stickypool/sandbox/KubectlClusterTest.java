package io.stickypool.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stickypool.operator.OperatorSettings;
import io.stickypool.operator.StickyPoolOperator;
import io.stickypool.testing.Kubectl;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user drives the operator with kubectl alone, against a real cluster (API server, controllers,
 * scheduler, a KWOK node): apply a backend and the sample pool, edit and re-apply the pool, watch
 * a scale-down drain live with {@code get sp -w} and {@code get events -w}, describe, scale the
 * proxy, delete. The kubectl is the one built with the control plane, so this never skips.
 */
class KubectlClusterTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.cluster();
  private static final String IMAGE = "ghcr.io/stickypool/stickypool:0.1.0";
  private static final String POOL = "samples/pool-cookie.yaml";
  private static final String BACKEND = "src/test/resources/sandbox/web-backend-kwok.yaml";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern SP_ROW = Pattern.compile("(?m)^web\\s+\\S+\\s+(\\d+)\\s+(True|False|Unknown)");

  @TempDir Path tmp;
  private final String ns = K8S.namespace();
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private Kubectl kubectl;

  @BeforeEach
  void start() {
    // No session reports: the proxy pods run on the KWOK node with made-up IPs nobody may dial.
    operator.start(K8S.client(), OperatorSettings.builder(IMAGE).namespaces(Set.of(ns))
        .adminTargets(pod -> java.util.Optional.empty()).build());
    kubectl = new Kubectl(K8S.controlPlane().kubectl(), K8S.controlPlane().kubeconfig(), tmp);
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void kubectlAppliesEditsWatchesADrainScalesAndDeletesAPool() throws Exception {
    assertThat(kubectl.ok("version")).contains("Client Version: v1.37.2", "Server Version: v1.37.2");
    assertThat(kubectl.ok("api-resources", "--api-group=stickypool.io")).containsPattern(
        "stickypools\\s+sp,spool\\s+stickypool.io/v1alpha1\\s+true\\s+StickyPool");

    long t0 = System.nanoTime();
    assertThat(kubectl.ok("apply", "-n", ns, "-f", BACKEND))
        .contains("service/web created", "deployment.apps/web created");
    assertThat(kubectl.ok("rollout", "status", "deployment/web", "-n", ns, "--timeout=90s"))
        .contains("successfully rolled out");
    System.out.printf("backend: apply -> rollout status 3/3: %d ms%n", millisSince(t0));
    assertThat(kubectl.ok("apply", "-n", ns, "-f", POOL)).contains("stickypool.stickypool.io/web created");
    await("get sp: 3 backends, Ready").atMost(WAIT).pollInterval(Duration.ofMillis(500))
        .until(() -> spRow(kubectl.ok("get", "sp", "-n", ns)), r -> r.equals("3 True"));
    assertThat(kubectl.ok("get", "sp", "-n", ns)).containsPattern("NAME\\s+AGE\\s+BACKENDS\\s+READY\\s+SESSIONS");
    assertThat(kubectl.ok("get", "deploy,svc,cm,secret,sa,role,rolebinding", "-n", ns)).contains(
        "deployment.apps/web-proxy", "service/web-proxy", "configmap/web-routes", "secret/web-keys",
        "serviceaccount/web-proxy", "role.rbac.authorization.k8s.io/web-proxy",
        "rolebinding.rbac.authorization.k8s.io/web-proxy");

    // The user edits the pool file and applies it again.
    Path edited = tmp.resolve("pool-cookie.yaml");
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode pool = (ObjectNode) yaml.readTree(Path.of(POOL).toFile());
    ((ObjectNode) pool.get("spec")).putObject("drain").put("drainTimeout", "3s");
    yaml.writeValue(edited.toFile(), pool);
    assertThat(kubectl.ok("apply", "-n", ns, "-f", edited.toString())).contains("stickypool.stickypool.io/web configured");
    assertThat(kubectl.ok("apply", "-n", ns, "-f", edited.toString())).contains("stickypool.stickypool.io/web unchanged");
    assertThat(kubectl.ok("get", "sp", "web", "-n", ns, "-o", "jsonpath={.spec.drain.drainTimeout} {.metadata.generation}"))
        .isEqualTo("3s 2");
    await("status.observedGeneration 2").atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() ->
        kubectl.ok("get", "sp", "web", "-n", ns, "-o", "jsonpath={.status.observedGeneration}"), "2"::equals);

    // A scale-down drain, watched live.
    try (Kubectl.Background sp = kubectl.start("get", "sp", "-n", ns, "-w", "--request-timeout=120s");
        Kubectl.Background events = kubectl.start("get", "events", "-n", ns, "-w", "--request-timeout=120s")) {
      try {
        watchDrain(sp, events);
      } finally {
        System.out.println("get events -w:\n" + events.output() + "get sp -w:\n" + sp.output());
      }
    }

    String described = kubectl.ok("describe", "sp", "web", "-n", ns);
    System.out.println(described);
    assertThat(described).contains("Name:", "Kind:         StickyPool").containsPattern("Drain Timeout:\\s+3s")
        .containsPattern("Events:[\\s\\S]*BackendDraining[\\s\\S]*BackendDrained[\\s\\S]*BackendRemoved");

    // The user scales the proxy Deployment.
    assertThat(kubectl.ok("scale", "deployment", "web-proxy", "--replicas=3", "-n", ns))
        .contains("deployment.apps/web-proxy scaled");
    long r0 = System.nanoTime();
    // The pool sets no spec.proxy.replicas, so the count is the user's: a reconcile (the backend
    // scaled back to 3) leaves it at 3 instead of undoing kubectl scale.
    assertThat(kubectl.ok("scale", "deployment", "web", "--replicas=3", "-n", ns)).contains("scaled");
    await("get sp: 3 backends again").atMost(WAIT).pollInterval(Duration.ofMillis(500))
        .until(() -> spRow(kubectl.ok("get", "sp", "-n", ns)), r -> r.startsWith("3 "));
    assertThat(kubectl.ok("get", "deployment", "web-proxy", "-n", ns, "-o", "jsonpath={.spec.replicas}"))
        .as("kubectl scale stands after the operator reconciled").isEqualTo("3");
    System.out.printf("kubectl scale web-proxy 3, then a reconcile: still 3 after %d ms%n", millisSince(r0));

    assertThat(kubectl.ok("delete", "-n", ns, "-f", edited.toString())).contains("stickypool.stickypool.io \"web\" deleted");
    assertThat(kubectl.ok("get", "sp", "-n", ns)).contains("No resources found");
    await("what the pool owned is gone").atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(kubectl.ok("get", "deploy,svc,cm,secret,sa,role,rolebinding", "-n", ns))
            .doesNotContain("web-proxy", "web-routes", "web-keys"));
    assertThat(kubectl.ok("get", "svc,deploy", "web", "-n", ns)).as("the user's backend stays")
        .contains("service/web", "deployment.apps/web");
  }

  /** Scales web 3 -> 2 and checks that both watches show the drain as it happens. */
  private void watchDrain(Kubectl.Background sp, Kubectl.Background events) throws Exception {
    await().atMost(WAIT).until(() -> spRow(sp.output()).equals("3 True"));
    long s0 = System.nanoTime();
    assertThat(kubectl.ok("scale", "deployment", "web", "--replicas=2", "-n", ns)).contains("deployment.apps/web scaled");
    // BACKENDS counts the Active ones: the leaving pod drops out as soon as it drains.
    await("get sp -w shows 2 backends").atMost(WAIT).pollInterval(Duration.ofMillis(100))
        .until(() -> lastSpRow(sp.output()).equals("2 True"));
    System.out.printf("scale 3->2 -> get sp -w shows 2 backends: %d ms%n", millisSince(s0));
    for (String reason : List.of("BackendDraining", "BackendDrained", "BackendRemoved")) {
      await(reason + " in get events -w").atMost(WAIT).pollInterval(Duration.ofMillis(100))
          .until(() -> events.output().contains(reason));
      System.out.printf("scale 3->2 -> %s shown by get events -w: %d ms%n", reason, millisSince(s0));
    }
    assertThat(sp.isAlive()).as("the watches ran until stopped").isTrue();
    String shown = events.output();
    assertThat(shown).as("the real controllers' Events too").contains("ScalingReplicaSet", "SuccessfulDelete");
    assertThat(shown.indexOf("BackendDraining")).isLessThan(shown.indexOf("BackendDrained"));
    assertThat(shown.indexOf("BackendDrained")).isLessThan(shown.indexOf("BackendRemoved"));
    assertThat(shown).containsPattern("BackendDraining\\s+stickypool/web\\s+Backend web-\\S+ draining");
    List<String> rows = spRows(sp.output());
    assertThat(rows.indexOf("3 True")).as("get sp -w rows %s", rows).isNotNegative()
        .isLessThan(rows.lastIndexOf("2 True"));
  }

  /** BACKENDS and READY of the first {@code web} row of {@code kubectl get sp}, e.g. {@code 3 True}. */
  private static String spRow(String table) {
    Matcher m = SP_ROW.matcher(table);
    return m.find() ? m.group(1) + " " + m.group(2) : "";
  }

  /** The same, of every row a watch printed. */
  private static List<String> spRows(String table) {
    Matcher m = SP_ROW.matcher(table);
    List<String> rows = new java.util.ArrayList<>();
    while (m.find()) {
      rows.add(m.group(1) + " " + m.group(2));
    }
    return rows;
  }

  private static String lastSpRow(String table) {
    List<String> rows = spRows(table);
    return rows.isEmpty() ? "" : rows.get(rows.size() - 1);
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
