package io.stickypool.deploy;

import io.stickypool.operator.OperatorPermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stickypool.operator.OperatorPermissions.Scope;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chart's RBAC on a real API server, with RBAC escalation checks on: what an installer needs,
 * and what {@code watchNamespaces} grants where. (The full install, rollout and operator run are in
 * {@link HelmChartInstallClusterTest}.)
 */
class HelmChartRbacApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();

  private final KubernetesClient admin = K8S.client();
  private final String ns = K8S.namespace();
  /** Unique: the chart's cluster-wide objects are named after the release. */
  private final String release = "rbac-" + ns.substring(ns.lastIndexOf('-') + 1);
  private final List<HasMetadata> leftovers = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    Helm.uninstall(release).withNamespace(ns).ignoreNotFound()
        .withKubeConfig(K8S.controlPlane().kubeconfig()).call();
    leftovers.forEach(o -> admin.resource(o).delete());
  }

  /**
   * The API server refuses a ClusterRole granting what its creator does not hold: installing the
   * chart takes a user with at least the operator's rights (or the escalate verb), such as the
   * admin that HelmChartInstallClusterTest installs with.
   */
  @Test
  void refusesTheChartsClusterRoleToAnInstallerWithoutItsRights() {
    String user = release + "-installer";
    ClusterRole onlyRoles = new ClusterRoleBuilder().withNewMetadata().withName(user).endMetadata()
        .addNewRule().withApiGroups("rbac.authorization.k8s.io").withResources("clusterroles")
        .withVerbs("get", "create").endRule().build();
    ClusterRoleBinding binding = new ClusterRoleBindingBuilder().withNewMetadata().withName(user).endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", user)
        .addNewSubject().withKind("User").withApiGroup("rbac.authorization.k8s.io").withName(user).endSubject()
        .build();
    leftovers.add(admin.resource(onlyRoles).create());
    leftovers.add(admin.resource(binding).create());
    ClusterRole chartRole = RenderedChart.render(release, ns, t -> t).all(ClusterRole.class).get(0);
    chartRole.getMetadata().setName(user + "-chart");
    leftovers.add(chartRole);

    try (KubernetesClient installer = K8S.controlPlane().impersonating(user, "system:authenticated")) {
      assertThatThrownBy(() -> installer.resource(chartRole).create())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
          .hasMessageContaining("attempting to grant RBAC permissions not currently held");
    }
    assertThat(admin.resource(chartRole).create().getRules()).isEqualTo(chartRole.getRules());
  }

  /**
   * {@code helm install --set watchNamespaces=...}: a Role and binding in each watched namespace,
   * which give the release namespace's ServiceAccount every OperatorPermissions rule there and
   * nowhere else; uninstall takes them out of those namespaces again.
   */
  @Test
  void watchedNamespacesGrantTheOperatorItsRulesThereAndNowhereElse() {
    String a = createNamespace(ns + "-a");
    String b = createNamespace(ns + "-b");
    String values = "watchNamespaces: [" + a + ", " + b + "]\n";
    new Helm(RenderedChart.CHART).install().withName(release).withNamespace(ns)
        .withKubeConfig(K8S.controlPlane().kubeconfig()).withValuesFile(RenderedChart.valuesFile(values)).call();
    RenderedChart chart = RenderedChart.render(release, ns, RenderedChart.values(values));
    String account = chart.deployment().getSpec().getTemplate().getSpec().getServiceAccountName();

    assertThat(admin.rbac().clusterRoles().withName(release + "-stickypool-operator").get()).isNull();
    assertThat(chart.all(Role.class)).extracting(r -> r.getMetadata().getNamespace()).containsExactly(a, b);
    for (String watched : List.of(a, b)) {
      assertThat(AccessReviews.missing(admin, ns, account, Scope.WATCHED, watched)).as(watched).isEmpty();
    }
    List<String> elsewhere = AccessReviews.missing(admin, ns, account, Scope.WATCHED, ns + "-c");
    assertThat(elsewhere).as("an unwatched namespace").hasSize(RenderedChart.grants(Scope.WATCHED).size());

    Helm.uninstall(release).withNamespace(ns).withKubeConfig(K8S.controlPlane().kubeconfig()).call();
    for (HasMetadata o : chart.objects()) {
      assertThat(admin.resource(o).get()).as("%s %s/%s", o.getKind(), o.getMetadata().getNamespace(),
          o.getMetadata().getName()).isNull();
    }
  }

  private String createNamespace(String name) {
    leftovers.add(admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .endMetadata().build()).create());
    return name;
  }
}
