package io.stickypool.deploy;

import io.stickypool.operator.OperatorPermissions;

import static io.stickypool.deploy.RenderedChart.CHART;
import static io.stickypool.deploy.RenderedChart.NAMESPACE;
import static io.stickypool.deploy.RenderedChart.grants;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.stickypool.cli.OperatorCommand;
import io.stickypool.operator.OperatorPermissions.Scope;
import io.stickypool.operator.OperatorSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Helm chart: lint, rendering with default and other values, RBAC against OperatorPermissions. */
class HelmChartTest {
  private static final String CRD = "stickypools.stickypool.io-v1.yml";
  private static final String IMAGE = "ghcr.io/stickypool/stickypool";
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void passesStrictLint() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("lint: %s", lint.getMessages()).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void chartCrdsAreByteIdenticalToTheTopLevelCrds() throws IOException {
    assertThat(Files.readAllBytes(CHART.resolve("crds").resolve(CRD)))
        .as("run make crds").isEqualTo(Files.readAllBytes(Path.of("crds", CRD)));
    try (var files = Files.list(CHART.resolve("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(CRD);
    }
  }

  @Test
  void defaultImageIsTheAppVersionNeverLatestAndProxiesUseTheSameImage() throws IOException {
    String appVersion = chartField("appVersion");
    assertThat(appVersion).isEqualTo("0.1.0");
    RenderedChart chart = RenderedChart.defaults();
    Container operator = container(chart);
    assertThat(operator.getImage()).isEqualTo(IMAGE + ":" + appVersion);
    assertThat(chart.yaml()).doesNotContain(":latest");
    assertThat(chart.operatorArgs()).contains("--image=" + IMAGE + ":" + appVersion)
        .doesNotContain("--leader-election").noneMatch(a -> a.startsWith("--namespace"));
    OperatorSettings settings = OperatorCommand.settingsFrom(chart.operatorArgs(), RenderedChart.podEnv("op-0"));
    assertThat(settings.defaultImage()).isEqualTo(IMAGE + ":" + appVersion);
    assertThat(settings.namespaces()).as("all namespaces").isEmpty();
    assertThat(settings.leaderElection()).isEmpty();
    assertThat(settings.admin()).hasValueSatisfying(a -> assertThat(a.getPort()).isEqualTo(8081));
  }

  @Test
  void podIsHardenedWithProbesOnTheAdminPortAndTheDownwardApi() {
    RenderedChart chart = RenderedChart.defaults();
    PodSpec pod = chart.deployment().getSpec().getTemplate().getSpec();
    Container c = container(chart);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var sc = c.getSecurityContext();
    assertThat(sc.getRunAsNonRoot()).isTrue();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(c.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(pod.getVolumes()).singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(c.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("admin");
      assertThat(p.getContainerPort()).isEqualTo(8081);
    });
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
    assertThat(c.getEnv()).extracting(EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("POD_NAME", "metadata.name"),
            org.assertj.core.groups.Tuple.tuple("POD_NAMESPACE", "metadata.namespace"));
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(pod.getServiceAccountName()).isEqualTo("stickypool-operator");
    assertThat(pod.getSecurityContext().getRunAsUser()).as("the image's user")
        .isEqualTo(10001L);
  }

  @Test
  void metricsServiceTargetsTheAdminPortAndServiceMonitorIsOffByDefault() {
    RenderedChart chart = RenderedChart.defaults();
    assertThat(chart.all(Service.class)).singleElement().satisfies(s -> {
      assertThat(s.getSpec().getPorts()).singleElement().satisfies(p -> {
        assertThat(p.getPort()).isEqualTo(8081);
        assertThat(p.getTargetPort().getStrVal()).isEqualTo("admin");
      });
      assertThat(s.getSpec().getSelector()).isEqualTo(
          chart.deployment().getSpec().getSelector().getMatchLabels());
    });
    assertThat(chart.ofKind("ServiceMonitor")).isEmpty();
  }

  @Test
  void clusterRoleGrantsExactlyOperatorPermissions() {
    RenderedChart chart = RenderedChart.defaults();
    ClusterRole role = single(chart.all(ClusterRole.class));
    assertNoWildcards(role.getRules());
    assertThat(grants(role.getRules())).isEqualTo(grants(Scope.WATCHED));
    ClusterRoleBinding binding = single(chart.all(ClusterRoleBinding.class));
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
      assertThat(s.getName()).isEqualTo(
          chart.deployment().getSpec().getTemplate().getSpec().getServiceAccountName());
    });
    assertThat(chart.all(Role.class)).as("no Lease Role with one replica").isEmpty();
  }

  @Test
  void twoReplicasElectALeaderThroughALeaseRoleInTheReleaseNamespace() {
    RenderedChart chart = RenderedChart.render(t -> t.set("replicaCount", 2));
    assertThat(chart.deployment().getSpec().getReplicas()).isEqualTo(2);
    assertThat(chart.operatorArgs()).contains("--leader-election", "--lease-namespace=" + NAMESPACE);
    Role lease = single(chart.all(Role.class));
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertNoWildcards(lease.getRules());
    assertThat(grants(lease.getRules())).isEqualTo(grants(Scope.LEASE));
    RoleBinding binding = single(chart.all(RoleBinding.class));
    assertThat(binding.getRoleRef().getName()).isEqualTo(lease.getMetadata().getName());
    OperatorSettings settings = OperatorCommand.settingsFrom(chart.operatorArgs(), RenderedChart.podEnv("op-1"));
    assertThat(settings.leaderElection()).hasValueSatisfying(le -> {
      assertThat(le.leaseNamespace()).isEqualTo(NAMESPACE);
      assertThat(le.leaseName()).isEqualTo("stickypool-operator");
      assertThat(le.identity()).startsWith("op-1-");
    });
  }

  @Test
  void watchedNamespacesGetARoleEachInsteadOfAClusterRole() {
    RenderedChart chart = RenderedChart.render(RenderedChart.values("watchNamespaces: [a, b]\n"));
    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    List<Role> roles = chart.all(Role.class);
    assertThat(roles).extracting(r -> r.getMetadata().getNamespace()).containsExactly("a", "b");
    roles.forEach(r -> {
      assertNoWildcards(r.getRules());
      assertThat(grants(r.getRules())).isEqualTo(grants(Scope.WATCHED));
    });
    assertThat(chart.all(RoleBinding.class)).extracting(b -> b.getMetadata().getNamespace(),
        b -> b.getSubjects().get(0).getNamespace()).containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", NAMESPACE), org.assertj.core.groups.Tuple.tuple("b", NAMESPACE));
    assertThat(chart.operatorArgs()).contains("--namespace=a,b");
    assertThat(OperatorCommand.settingsFrom(chart.operatorArgs(), Map.of()).namespaces())
        .containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void rendersServiceMonitorResourcesAndDigestWhenAskedTo() {
    RenderedChart chart = RenderedChart.render(t -> t.set("serviceMonitor.enabled", true)
        .set("serviceMonitor.labels.release", "prometheus")
        .set("resources.limits.cpu", "2").set("resources.requests.memory", "1Gi")
        .set("image.digest", DIGEST).set("proxyImage", "registry.example/proxy:1.2.3"));
    GenericKubernetesResource monitor = (GenericKubernetesResource) single(chart.ofKind("ServiceMonitor"));
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertThat(endpoints).singleElement().satisfies(e -> {
      assertThat(e).containsEntry("port", "admin").containsEntry("path", "/metrics");
    });
    Container c = container(chart);
    assertThat(c.getResources().getLimits()).containsEntry("cpu", new Quantity("2"));
    assertThat(c.getResources().getRequests()).containsEntry("memory", new Quantity("1Gi"));
    assertThat(c.getImage()).isEqualTo(IMAGE + "@" + DIGEST);
    assertThat(chart.operatorArgs()).contains("--image=registry.example/proxy:1.2.3");
  }

  @Test
  void sidecarStyleReachesTheOperatorAndTheSchemaKnowsItsValues() {
    RenderedChart chart = RenderedChart.render(t -> t.set("sidecarStyle", "container"));
    assertThat(OperatorCommand.settingsFrom(chart.operatorArgs(), Map.of()).nativeSidecars()).isFalse();
    assertThat(OperatorCommand.settingsFrom(RenderedChart.render(t -> t).operatorArgs(), Map.of())
        .nativeSidecars()).as("auto by default").isNull();
    assertThatThrownBy(() -> RenderedChart.render(t -> t.set("sidecarStyle", "sometimes")))
        .hasMessageContaining("sidecarStyle");
  }

  @Test
  void schemaRefusesTheLatestTag() {
    assertThatThrownBy(() -> RenderedChart.render(t -> t.set("image.tag", "latest")))
        .hasMessageContaining("/image/tag");
    assertThat(container(RenderedChart.render(t -> t.set("image.tag", "0.2.0"))).getImage())
        .isEqualTo(IMAGE + ":0.2.0");
  }

  @Test
  void everyValueIsDocumentedByACommentStartingWithItsNameAndListedInTheReadme() throws IOException {
    List<String> documented = documentedKeys(Files.readAllLines(CHART.resolve("values.yaml")));
    assertThat(documented).contains("replicaCount", "image.tag", "watchNamespaces", "serviceMonitor.enabled",
        "resources", "proxyImage");
    String readme = Files.readString(CHART.resolve("README.md"));
    assertThat(documented).allSatisfy(k -> assertThat(readme).contains("`" + k + "`"));
    assertThat(readme).contains("helm install stickypool deploy/helm/stickypool-operator -n stickypool-system "
        + "--create-namespace").contains("kubectl apply --server-side -f crds/");
  }

  @Test
  void notesTellWhatToApplyNext() {
    // helm template does not print NOTES.txt; strict lint above parses it as a template.
    assertThat(readNotes()).contains("kubectl get stickypools -A", "port-forward deploy/",
        "kubectl apply -f samples/backend-app.yaml -f samples/pool-cookie.yaml",
        "kubectl get sp", "kubectl get events --field-selector involvedObject.kind=StickyPool -w",
        "kubectl apply --server-side -f crds/");
  }

  /**
   * Keys whose value a comment documents: a key preceded by "# <dotted.path> ..." or "# <name> ..."
   * is documented with everything under it; an undocumented key must be a plain group whose
   * children are all documented.
   */
  private static List<String> documentedKeys(List<String> lines) {
    Pattern keyLine = Pattern.compile("^( *)([A-Za-z][A-Za-z0-9]*):(.*)$");
    List<String> documented = new ArrayList<>();
    List<String> path = new ArrayList<>();
    int skipDeeperThan = Integer.MAX_VALUE;
    String previous = "";
    for (String line : lines) {
      if (line.trim().startsWith("#")) {
        // A comment block counts from its first line.
        previous = previous.trim().startsWith("#") ? previous : line;
        continue;
      }
      Matcher m = keyLine.matcher(line);
      if (m.matches()) {
        int depth = m.group(1).length() / 2;
        if (depth > skipDeeperThan) {
          previous = line;
          continue;
        }
        skipDeeperThan = Integer.MAX_VALUE;
        path.subList(depth, path.size()).clear();
        path.add(m.group(2));
        String dotted = String.join(".", path);
        String comment = previous.trim();
        if (comment.startsWith("# " + dotted + " ") || comment.startsWith("# " + m.group(2) + " ")) {
          documented.add(dotted);
          skipDeeperThan = depth;
        } else {
          assertThat(m.group(3).trim()).as("%s has no comment starting with its name", dotted).isEmpty();
        }
      }
      previous = line;
    }
    return documented;
  }

  private static String readNotes() {
    try {
      return Files.readString(CHART.resolve("templates/NOTES.txt"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String chartField(String field) throws IOException {
    return Files.readAllLines(CHART.resolve("Chart.yaml")).stream().filter(l -> l.startsWith(field + ":"))
        .map(l -> l.substring(field.length() + 1).trim().replace("\"", "")).findFirst().orElseThrow();
  }

  private static Container container(RenderedChart chart) {
    return single(chart.deployment().getSpec().getTemplate().getSpec().getContainers());
  }

  private static void assertNoWildcards(List<PolicyRule> rules) {
    assertThat(rules).allSatisfy(r -> {
      assertThat(r.getApiGroups()).doesNotContain("*");
      assertThat(r.getResources()).doesNotContain("*");
      assertThat(r.getVerbs()).doesNotContain("*");
      assertThat(r.getNonResourceURLs()).isNullOrEmpty();
    });
  }

  private static <T> T single(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }
}
