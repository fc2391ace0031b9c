package io.stickypool.deploy;

import static io.stickypool.deploy.RenderedChart.CHART;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.stickypool.cli.OperatorCommand;
import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The values Helm users expect of a chart (names, security contexts, extra env/args, a
 * PodDisruptionBudget, topology spread), the schema refusing what it does not know, and Chart.yaml's
 * Artifact Hub metadata.
 */
class HelmChartValuesTest {
  private static final String NAME_LABEL = "app.kubernetes.io/name";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void releaseNamedAfterTheProjectGivesTheChartsNameNotItTwice() {
    assertThat(names(RenderedChart.defaults())).as("release stickypool")
        .containsOnly("stickypool-operator", "stickypool-operator-metrics");
    assertThat(names(RenderedChart.render("stickypool-operator", "ops", t -> t)))
        .containsOnly("stickypool-operator", "stickypool-operator-metrics");
    assertThat(names(RenderedChart.render("edge", "ops", t -> t)))
        .containsOnly("edge-stickypool-operator", "edge-stickypool-operator-metrics");
  }

  @Test
  void fullnameOverrideNamesEveryObjectAndNameOverrideTheNameLabel() {
    RenderedChart full = RenderedChart.render(t -> t.set("fullnameOverride", "sp").set("replicaCount", 2));
    assertThat(names(full)).containsOnly("sp", "sp-metrics", "sp-lease");
    assertThat(full.deployment().getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("sp");

    RenderedChart named = RenderedChart.render("edge", "ops", t -> t.set("nameOverride", "affinity"));
    assertThat(names(named)).containsOnly("edge-affinity", "edge-affinity-metrics");
    assertThat(named.objects()).allSatisfy(o ->
        assertThat(o.getMetadata().getLabels()).containsEntry(NAME_LABEL, "affinity"));
    assertThat(named.deployment().getSpec().getSelector().getMatchLabels()).containsEntry(NAME_LABEL, "affinity");
  }

  @Test
  void extraArgsEnvAndJavaOptsReachTheOperatorContainer() {
    RenderedChart chart = RenderedChart.render(RenderedChart.values("""
        extraArgs: ["--admin-address=::"]
        extraEnv:
          - name: LOG_LEVEL
            value: debug
          - name: NODE
            valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
        javaOpts: -XX:MaxRAMPercentage=60 -Xlog:gc
        """));
    List<String> args = chart.operatorArgs();
    assertThat(args.get(args.size() - 1)).isEqualTo("--admin-address=::");
    assertThat(OperatorCommand.settingsFrom(args, Map.of()).admin())
        .hasValueSatisfying(a -> assertThat(a.getAddress()).as("IPv6 any").isInstanceOf(Inet6Address.class));
    assertThat(container(chart).getEnv()).extracting(EnvVar::getName)
        .containsExactly("POD_NAME", "POD_NAMESPACE", "JDK_JAVA_OPTIONS", "LOG_LEVEL", "NODE");
    assertThat(env(chart, "JDK_JAVA_OPTIONS").getValue()).isEqualTo("-XX:MaxRAMPercentage=60 -Xlog:gc");
    assertThat(env(chart, "NODE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
    assertThat(container(RenderedChart.defaults()).getEnv()).extracting(EnvVar::getName)
        .containsExactly("POD_NAME", "POD_NAMESPACE");
  }

  @Test
  void securityContextsAreRestrictedByDefaultAndReplaceable() {
    RenderedChart chart = RenderedChart.render(RenderedChart.values("""
        podSecurityContext: {runAsUser: 20000, runAsGroup: 20000, fsGroup: 20000}
        securityContext: {readOnlyRootFilesystem: null}
        """));
    PodSpec pod = chart.deployment().getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(20000L);
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(20000L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as("Helm merges maps").isEqualTo("RuntimeDefault");
    assertThat(container(chart).getSecurityContext().getReadOnlyRootFilesystem()).as("null removes a key").isNull();
    assertThat(container(chart).getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    PodSpec defaults = RenderedChart.defaults().deployment().getSpec().getTemplate().getSpec();
    assertThat(defaults.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(defaults.getSecurityContext().getRunAsGroup()).isEqualTo(10001L);
  }

  @Test
  void disruptionBudgetKeepsAReplicaUpOnlyWhenThereAreSeveral() {
    assertThat(RenderedChart.defaults().all(PodDisruptionBudget.class)).as("one replica: nothing to keep").isEmpty();
    RenderedChart two = RenderedChart.render(t -> t.set("replicaCount", 2));
    PodDisruptionBudget pdb = single(two.all(PodDisruptionBudget.class));
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getMinAvailable()).isNull();
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(two.deployment().getSpec().getSelector().getMatchLabels());
    assertThat(single(RenderedChart.render(t -> t.set("replicaCount", 3)
        .set("podDisruptionBudget.maxUnavailable", "50%")).all(PodDisruptionBudget.class))
        .getSpec().getMaxUnavailable().getStrVal()).isEqualTo("50%");
    assertThat(RenderedChart.render(t -> t.set("replicaCount", 2).set("podDisruptionBudget.enabled", false))
        .all(PodDisruptionBudget.class)).isEmpty();
  }

  @Test
  void topologySpreadPrefersOtherNodesAndCountsTheOperatorsOwnPods() {
    RenderedChart chart = RenderedChart.defaults();
    Map<String, String> selector = chart.deployment().getSpec().getSelector().getMatchLabels();
    TopologySpreadConstraint soft = single(spread(chart));
    assertThat(soft.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(soft.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
    assertThat(soft.getLabelSelector().getMatchLabels()).isEqualTo(selector);

    List<TopologySpreadConstraint> zones = spread(RenderedChart.render(RenderedChart.values("""
        topologySpreadConstraints:
          - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}
          - maxSkew: 2
            topologyKey: kubernetes.io/hostname
            whenUnsatisfiable: ScheduleAnyway
            labelSelector: {matchLabels: {team: edge}}
        """)));
    assertThat(zones).extracting(TopologySpreadConstraint::getTopologyKey)
        .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
    assertThat(zones.get(0).getLabelSelector().getMatchLabels()).isEqualTo(selector);
    assertThat(zones.get(1).getLabelSelector().getMatchLabels()).as("given, kept").isEqualTo(Map.of("team", "edge"));
    assertThat(spread(RenderedChart.render(RenderedChart.values("topologySpreadConstraints: []\n")))).isNullOrEmpty();
  }

  @Test
  void schemaRefusesUnknownKeysAndBadValues() {
    assertThatThrownBy(() -> RenderedChart.render(t -> t.set("replicas", 2)))
        .hasMessageContaining("additional properties 'replicas' not allowed");
    assertThatThrownBy(() -> RenderedChart.render(t -> t.set("podDisruptionBudget.minAvailable", 1)))
        .hasMessageContaining("minAvailable");
    assertThatThrownBy(() -> RenderedChart.render(t -> t.set("fullnameOverride", "Not_A_Name")))
        .hasMessageContaining("fullnameOverride");
    assertThatThrownBy(() -> RenderedChart.render(RenderedChart.values("extraArgs: [operator]\n")))
        .as("only flags: the subcommand is the chart's").hasMessageContaining("extraArgs");
    assertThatThrownBy(() -> RenderedChart.render(RenderedChart.values(
        "topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Sometimes}]\n")))
        .hasMessageContaining("whenUnsatisfiable");
  }

  @Test
  void chartMetadataNamesOnlyFilesThatExistAndTheSamplePoolAsItsExample() throws IOException {
    Map<String, Object> chart = yaml(Files.readString(CHART.resolve("Chart.yaml")));
    assertThat(chart.get("version")).isEqualTo("0.2.0");
    assertThat(chart).as("no icon until the repository has one").doesNotContainKey("icon");
    @SuppressWarnings("unchecked")
    Map<String, String> annotations = (Map<String, String>) chart.get("annotations");
    assertThat(annotations).containsEntry("artifacthub.io/operator", "true")
        .containsKeys("artifacthub.io/operatorCapabilities", "artifacthub.io/crds", "artifacthub.io/links");
    List<Map<String, Object>> crds = yaml(annotations.get("artifacthub.io/crds"));
    assertThat(crds).singleElement().satisfies(c -> assertThat(c).containsEntry("name", "stickypools.stickypool.io")
        .containsEntry("kind", "StickyPool").containsEntry("version", "v1alpha1"));
    List<Map<String, Object>> examples = yaml(annotations.get("artifacthub.io/crdsExamples"));
    Map<String, Object> sample = yaml(Files.readString(Path.of("samples/pool-cookie.yaml")));
    assertThat(examples).containsExactly(sample);
    List<Map<String, String>> links = yaml(annotations.get("artifacthub.io/links"));
    String blob = "https://github.com/stickypool/stickypool/blob/main/";
    assertThat(links).allSatisfy(l -> {
      String url = l.get("url");
      if (url.startsWith(blob)) {
        assertThat(Path.of(url.substring(blob.length()))).as(url).exists();
      }
    });
  }

  private static <T> T yaml(String text) throws IOException {
    return YAML.readValue(text, new TypeReference<T>() { });
  }

  private static List<String> names(RenderedChart chart) {
    return chart.objects().stream().map(HasMetadata::getMetadata).map(m -> m.getName()).distinct().toList();
  }

  private static Container container(RenderedChart chart) {
    return single(chart.deployment().getSpec().getTemplate().getSpec().getContainers());
  }

  private static EnvVar env(RenderedChart chart, String name) {
    return container(chart).getEnv().stream().filter(e -> name.equals(e.getName())).findFirst().orElseThrow();
  }

  private static List<TopologySpreadConstraint> spread(RenderedChart chart) {
    return chart.deployment().getSpec().getTemplate().getSpec().getTopologySpreadConstraints();
  }

  private static <T> T single(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }
}
