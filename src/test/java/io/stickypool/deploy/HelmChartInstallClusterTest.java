package io.stickypool.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.operator.OperatorPermissions;
import io.stickypool.testing.cluster.ControlPlane;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code helm install}, {@code kubectl apply -f samples/...}, {@code helm upgrade} and {@code helm
 * uninstall} through helm-java on a real cluster (controller-manager, scheduler and a KWOK node, so
 * the chart's Deployment really rolls out). The operator itself runs in this JVM, started from the
 * args of the Deployment Helm created and acting as the chart's ServiceAccount, so the chart's RBAC
 * must be enough for a sample pool to become Ready.
 *
 * <p>The StickyPool CRD is already on the server (every test class shares it). The chart's {@code
 * crds/} is not skipped: Helm finds the CRD present and leaves it alone, and never deletes it on
 * uninstall, which is what keeps the other classes' pools safe.
 */
class HelmChartInstallClusterTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.cluster();
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int HELM_TIMEOUT_SECONDS = 180;
  private static final String IMAGE = "ghcr.io/stickypool/stickypool";
  private static final String INSTANCE = ChartOnCluster.INSTANCE;

  private final KubernetesClient admin = K8S.client();
  /** The release namespace: stickypool-system in the chart's README. */
  private final String ns = K8S.namespace();
  /** Unique, as the release's ClusterRole and binding are cluster-wide on a shared server. */
  private final String release = "sp-" + ns.substring(ns.lastIndexOf('-') + 1);
  private final String fullname = release + "-stickypool-operator";
  private final ChartOnCluster cluster = new ChartOnCluster(K8S, release);
  /** Where the sample backend and pool go: "shop" in the README. */
  private final String appNs = cluster.appNamespace();

  @AfterEach
  void cleanUp() {
    cluster.stopOperator();
    // Only does something when the test failed before its own uninstall.
    helm(Helm.uninstall(release).withNamespace(ns).ignoreNotFound());
    cluster.deleteAppNamespace();
  }

  @Test
  void installsRunsASamplePoolUpgradesAndUninstalls() {
    CustomResourceDefinition crd = crd();
    installAndCheck(crd);
    runTheSamplePool();
    RenderedChart upgraded = upgradeAndCheck(crd);
    runAsAReplicaOfTheUpgrade();
    uninstallAndCheck(upgraded, crd);
  }

  /** {@code helm install}: the existing CRD is skipped, the rest is created and rolls out. */
  private void installAndCheck(CustomResourceDefinition crdBefore) {
    Release installed = new Helm(RenderedChart.CHART).install().withName(release).withNamespace(ns)
        .withKubeConfig(K8S.controlPlane().kubeconfig()).waitReady().withTimeout(HELM_TIMEOUT_SECONDS).call();
    assertThat(installed.getStatus()).isEqualTo("deployed");
    assertThat(installed.getRevision()).isEqualTo("1");
    assertThat(crd().getMetadata().getUid()).as("Helm skips a CRD that exists")
        .isEqualTo(crdBefore.getMetadata().getUid());
    assertThat(crd().getMetadata().getResourceVersion()).isEqualTo(crdBefore.getMetadata().getResourceVersion());
    RenderedChart defaults = RenderedChart.render(release, ns, t -> t);
    assertThat(defaults.objects()).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
        "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service", "Deployment");
    assertCreatedByHelm(defaults, 1);
    assertRolledOut(IMAGE + ":0.1.0", 1);
    assertServiceAccountHoldsOperatorPermissions();
  }

  /** {@code kubectl apply -f samples/backend-app.yaml -f samples/pool-cookie.yaml}, as NOTES.txt says. */
  private void runTheSamplePool() {
    cluster.startOperator(fullname, Optional.empty());
    cluster.applySample("backend-app.yaml");
    cluster.applySample("pool-cookie.yaml");
    await().atMost(WAIT).untilAsserted(() -> assertThat(condition("web", "Ready")).isEqualTo("True"));
    assertThat(proxyImage()).as("the chart's --image").isEqualTo(IMAGE + ":0.1.0");
    assertNothingRefusedToTheServiceAccount();
  }

  /** {@code helm upgrade} to a new image tag and two replicas: a new rollout and a Lease Role. */
  private RenderedChart upgradeAndCheck(CustomResourceDefinition crdBefore) {
    Release upgraded = new Helm(RenderedChart.CHART).upgrade().withName(release).withNamespace(ns)
        .withKubeConfig(K8S.controlPlane().kubeconfig()).set("image.tag", "0.2.0").set("replicaCount", 2)
        .waitReady().withTimeout(HELM_TIMEOUT_SECONDS).call();
    assertThat(upgraded.getStatus()).isEqualTo("deployed");
    assertThat(upgraded.getRevision()).isEqualTo("2");
    RenderedChart changed = RenderedChart.render(release, ns,
        t -> t.set("image.tag", "0.2.0").set("replicaCount", 2));
    assertThat(changed.objects()).extracting(HasMetadata::getKind).contains("Role", "RoleBinding");
    assertCreatedByHelm(changed, 2);
    assertRolledOut(IMAGE + ":0.2.0", 2);
    assertThat(crd().getMetadata().getResourceVersion()).as("an upgrade leaves the CRD alone")
        .isEqualTo(crdBefore.getMetadata().getResourceVersion());
    return changed;
  }

  /** The operator as the new args describe it: leader election through the new Role, new image. */
  private void runAsAReplicaOfTheUpgrade() {
    cluster.stopOperator();
    String identity = cluster.startOperator(fullname, Optional.of(ns));
    await().atMost(WAIT).until(cluster.operator()::isLeader);
    Lease lease = admin.leases().inNamespace(ns).withName("stickypool-operator").get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(identity);
    await().atMost(WAIT).untilAsserted(() -> assertThat(proxyImage()).isEqualTo(IMAGE + ":0.2.0"));
    assertThat(condition("web", "Ready")).isEqualTo("True");
    assertNothingRefusedToTheServiceAccount();
  }

  /**
   * The pool goes while its operator runs (it holds a finalizer), then the operator, then {@code
   * helm uninstall}: every object of the release goes, with what the controllers made of it.
   */
  private void uninstallAndCheck(RenderedChart chart, CustomResourceDefinition crdBefore) {
    admin.resources(StickyPool.class).inNamespace(appNs).withName("web").delete();
    await().atMost(WAIT).until(
        () -> admin.resources(StickyPool.class).inNamespace(appNs).withName("web").get() == null);
    cluster.stopOperator();
    assertThat(helm(Helm.uninstall(release).withNamespace(ns))).contains(release);
    await().atMost(WAIT).untilAsserted(() -> {
      for (HasMetadata o : chart.objects()) {
        assertThat(admin.resource(o).get()).as("%s %s", o.getKind(), o.getMetadata().getName()).isNull();
      }
      assertThat(admin.apps().replicaSets().inNamespace(ns).withLabel(INSTANCE, release).list().getItems())
          .as("ReplicaSets, collected with their Deployment").isEmpty();
      assertThat(admin.pods().inNamespace(ns).withLabel(INSTANCE, release).list().getItems())
          .as("the operator's pods").isEmpty();
    });
    assertThat(admin.secrets().inNamespace(ns).withLabel("owner", "helm").withLabel("name", release)
        .list().getItems()).as("release records").isEmpty();
    assertThat(crd().getMetadata().getUid()).as("uninstall never deletes crds/")
        .isEqualTo(crdBefore.getMetadata().getUid());
  }

  private void assertCreatedByHelm(RenderedChart rendered, int revision) {
    for (HasMetadata o : rendered.objects()) {
      HasMetadata live = admin.resource(o).get();
      assertThat(live).as("%s %s on the server", o.getKind(), o.getMetadata().getName()).isNotNull();
      assertThat(live.getMetadata().getLabels()).as(o.getKind())
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry(INSTANCE, release);
      assertThat(live.getMetadata().getAnnotations()).as(o.getKind())
          .containsEntry("meta.helm.sh/release-name", release)
          .containsEntry("meta.helm.sh/release-namespace", ns);
    }
    Deployment live = deployment();
    Deployment want = rendered.deployment();
    assertThat(live.getSpec().getReplicas()).isEqualTo(want.getSpec().getReplicas());
    assertThat(live.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .isEqualTo(want.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
    assertThat(live.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo(want.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    ClusterRole role = admin.rbac().clusterRoles().withName(fullname).get();
    assertThat(RenderedChart.grants(role.getRules()))
        .isEqualTo(RenderedChart.grants(rendered.all(ClusterRole.class).get(0).getRules()));
    assertThat(admin.secrets().inNamespace(ns).withName("sh.helm.release.v1." + release + ".v" + revision).get())
        .as("the release record").isNotNull()
        .satisfies(s -> assertThat(s.getMetadata().getLabels()).containsEntry("status", "deployed"));
  }

  /** Every replica runs {@code image} and is available: what {@code helm --wait} waited for. */
  private void assertRolledOut(String image, int replicas) {
    await().atMost(WAIT).untilAsserted(() -> {
      Deployment d = deployment();
      assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
      assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(replicas);
      assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(replicas);
      List<Pod> pods = operatorPods();
      assertThat(pods).hasSize(replicas).allSatisfy(p -> {
        assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo(image);
        assertThat(p.getSpec().getNodeName()).isEqualTo(ControlPlane.NODE);
      });
    });
  }

  /**
   * What the chart's ClusterRole and binding give the ServiceAccount, asked of the API server's
   * authorizer: every rule of OperatorPermissions in a namespace the chart never heard of.
   */
  private void assertServiceAccountHoldsOperatorPermissions() {
    assertThat(AccessReviews.missing(admin, ns, serviceAccount(), OperatorPermissions.Scope.WATCHED, appNs))
        .as("grants the chart's ServiceAccount lacks").isEmpty();
  }

  /** The API server's audit log has no 403 for anything the operator did as the ServiceAccount. */
  private void assertNothingRefusedToTheServiceAccount() {
    cluster.assertNothingRefusedTo(serviceAccount());
  }

  private String serviceAccount() {
    return deployment().getSpec().getTemplate().getSpec().getServiceAccountName();
  }

  private String condition(String pool, String type) {
    return cluster.condition(pool, type);
  }

  private String proxyImage() {
    return cluster.proxyImage();
  }

  private Deployment deployment() {
    return cluster.deployment(fullname);
  }

  private List<Pod> operatorPods() {
    return cluster.operatorPods();
  }

  private CustomResourceDefinition crd() {
    return cluster.crd();
  }

  private static String helm(com.marcnuri.helm.UninstallCommand command) {
    return command.withKubeConfig(K8S.controlPlane().kubeconfig()).call();
  }
}
