package io.stickypool.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code helm upgrade} from the released chart 0.1.0 (src/test/resources/charts, its README says
 * where it comes from) to this one, on a real cluster, with a pool running: the CRD and the pool
 * stay, the pool's proxy Deployment is left alone, and the operator rolls to the new template.
 *
 * <p>The release is named {@code stickypool}, as the README installs it: 0.1.0 named its objects
 * {@code stickypool-stickypool-operator}, this chart {@code stickypool-operator}, so the upgrade
 * also replaces the operator's Deployment, ServiceAccount and RBAC under their new names. No
 * other class installs a release of that name on the shared cluster.
 *
 * <p>No 0.1.0 image can run here, so before the upgrade today's operator code stands in for the
 * 0.1.0 operator, under 0.1.0's ServiceAccount, plus the one rule today's code needs that 0.1.0's
 * ClusterRole lacks (PodDisruptionBudgets, issue 17); that extra grant is removed before the
 * upgrade, so after it the operator runs on exactly what the 0.2.0 chart grants.
 */
class HelmChartUpgradeClusterTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.cluster();
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int HELM_TIMEOUT_SECONDS = 180;
  private static final Path PREVIOUS = Path.of("src/test/resources/charts/stickypool-operator-0.1.0.tgz");
  private static final String RELEASE = "stickypool";
  private static final String OLD_NAME = "stickypool-stickypool-operator";
  private static final String NEW_NAME = "stickypool-operator";
  private static final String CHART_LABEL = "helm.sh/chart";
  /** What today's operator needs beyond 0.1.0's ClusterRole, for its stand-in run before the upgrade. */
  private static final String NEWER_RULES = "stickypool-upgrade-test-rules-since-0.1.0";

  private final KubernetesClient admin = K8S.client();
  private final String ns = K8S.namespace();
  private final ChartOnCluster cluster = new ChartOnCluster(K8S, RELEASE);

  @AfterEach
  void cleanUp() {
    cluster.stopOperator();
    revokeRulesNewerThanTheOldChart();
    Helm.uninstall(RELEASE).withNamespace(ns).ignoreNotFound().withKubeConfig(K8S.controlPlane().kubeconfig()).call();
    cluster.deleteAppNamespace();
  }

  @Test
  void upgradeFromThePreviousChartKeepsTheCrdAndRunningPools() {
    CustomResourceDefinition crd = cluster.crd();
    Release installed = Helm.install(PREVIOUS.toString()).withName(RELEASE).withNamespace(ns)
        .withKubeConfig(K8S.controlPlane().kubeconfig()).waitReady().withTimeout(HELM_TIMEOUT_SECONDS).call();
    assertThat(installed.getChart()).isEqualTo("stickypool-operator-0.1.0");
    assertThat(templateChartLabel(OLD_NAME)).isEqualTo("stickypool-operator-0.1.0");
    grantRulesNewerThanTheOldChart();
    cluster.startOperator(OLD_NAME, Optional.empty());
    cluster.applySample("backend-app.yaml");
    cluster.applySample("pool-cookie.yaml");
    await().atMost(WAIT).untilAsserted(() -> assertThat(cluster.condition("web", "Ready")).isEqualTo("True"));
    Deployment proxy = cluster.proxyDeployment();
    cluster.stopOperator();
    revokeRulesNewerThanTheOldChart();

    Release upgraded = new Helm(RenderedChart.CHART).upgrade().withName(RELEASE).withNamespace(ns)
        .withKubeConfig(K8S.controlPlane().kubeconfig()).waitReady().withTimeout(HELM_TIMEOUT_SECONDS).call();
    assertThat(upgraded.getStatus()).isEqualTo("deployed");
    assertThat(upgraded.getRevision()).isEqualTo("2");
    assertThat(upgraded.getChart()).isEqualTo("stickypool-operator-0.2.0");

    assertThat(cluster.crd().getMetadata().getUid()).as("the CRD, never touched by an upgrade")
        .isEqualTo(crd.getMetadata().getUid());
    assertThat(cluster.crd().getMetadata().getResourceVersion()).isEqualTo(crd.getMetadata().getResourceVersion());
    assertThat(admin.resources(StickyPool.class).inNamespace(cluster.appNamespace()).withName("web").get())
        .as("the pool").isNotNull();
    assertOperatorRolledToTheNewTemplate();
    assertTheReleaseHoldsOnlyTheNewObjects();

    cluster.startOperator(NEW_NAME, Optional.empty());
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(cluster.condition("web", "Ready")).isEqualTo("True");
      Deployment after = cluster.proxyDeployment();
      assertThat(after.getMetadata().getUid()).as("the proxy Deployment, not recreated")
          .isEqualTo(proxy.getMetadata().getUid());
      assertThat(after.getMetadata().getGeneration()).as("nor rolled").isEqualTo(proxy.getMetadata().getGeneration());
      assertThat(after.getStatus().getReadyReplicas()).isEqualTo(proxy.getSpec().getReplicas());
    });
    cluster.assertNothingRefusedTo(NEW_NAME);

    admin.resources(StickyPool.class).inNamespace(cluster.appNamespace()).withName("web").delete();
    await().atMost(WAIT).until(
        () -> admin.resources(StickyPool.class).inNamespace(cluster.appNamespace()).withName("web").get() == null);
  }

  private void grantRulesNewerThanTheOldChart() {
    admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName(NEWER_RULES)
        .endMetadata().addNewRule().withApiGroups("policy").withResources("poddisruptionbudgets")
        .withVerbs("get", "list", "watch", "create", "patch", "delete").endRule().build()).serverSideApply();
    admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
        .withName(NEWER_RULES).endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", NEWER_RULES)
        .addNewSubject().withKind("ServiceAccount").withName(OLD_NAME).withNamespace(ns).endSubject().build())
        .serverSideApply();
  }

  private void revokeRulesNewerThanTheOldChart() {
    admin.rbac().clusterRoleBindings().withName(NEWER_RULES).delete();
    admin.rbac().clusterRoles().withName(NEWER_RULES).delete();
  }

  /** The new Deployment's pods run the 0.2.0 template (its chart label) and are available. */
  private void assertOperatorRolledToTheNewTemplate() {
    await().atMost(WAIT).untilAsserted(() -> {
      Deployment d = cluster.deployment(NEW_NAME);
      assertThat(d).isNotNull();
      assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
      assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(1);
      assertThat(templateChartLabel(NEW_NAME)).isEqualTo("stickypool-operator-0.2.0");
      assertThat(cluster.operatorPods()).singleElement().satisfies(p -> {
        assertThat(p.getMetadata().getLabels()).containsEntry(CHART_LABEL, "stickypool-operator-0.2.0");
        assertThat(p.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(p.getSpec().getServiceAccountName()).isEqualTo(NEW_NAME);
      });
    });
  }

  /** What 0.2.0 renders is on the server; what only 0.1.0 had is gone. */
  private void assertTheReleaseHoldsOnlyTheNewObjects() {
    RenderedChart now = RenderedChart.render(RELEASE, ns, t -> t);
    for (HasMetadata o : now.objects()) {
      assertThat(admin.resource(o).get()).as("%s %s", o.getKind(), o.getMetadata().getName()).isNotNull();
    }
    assertThat(cluster.deployment(OLD_NAME)).as("the 0.1.0 Deployment").isNull();
    assertThat(admin.serviceAccounts().inNamespace(ns).withName(OLD_NAME).get()).isNull();
    assertThat(admin.rbac().clusterRoles().withName(OLD_NAME).get()).isNull();
    assertThat(admin.rbac().clusterRoleBindings().withName(OLD_NAME).get()).isNull();
  }

  private String templateChartLabel(String deployment) {
    return cluster.deployment(deployment).getSpec().getTemplate().getMetadata().getLabels().get(CHART_LABEL);
  }
}
