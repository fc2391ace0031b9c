package io.stickypool.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.cli.OperatorCommand;
import io.stickypool.operator.OperatorSettings;
import io.stickypool.operator.StickyPoolOperator;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A chart release on the shared cluster, a sample app namespace beside it, and the operator run in
 * this JVM as one of the release's pods would run it. Helpers of the {@code HelmChart*ClusterTest}s.
 */
final class ChartOnCluster {
  static final String CRD = "stickypools.stickypool.io";
  static final String INSTANCE = "app.kubernetes.io/instance";

  private final ControlPlaneNamespace k8s;
  private final KubernetesClient admin;
  private final String ns;
  private final String release;
  private final String appNs;
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private KubernetesClient operatorClient;

  ChartOnCluster(ControlPlaneNamespace k8s, String release) {
    this.k8s = k8s;
    this.admin = k8s.client();
    this.ns = k8s.namespace();
    this.release = release;
    this.appNs = ns + "-shop";
  }

  String appNamespace() {
    return appNs;
  }

  StickyPoolOperator operator() {
    return operator;
  }

  /**
   * Starts the operator as one of Deployment {@code name}'s pods would run: its args, its pod name
   * and namespace, as its ServiceAccount. Two settings differ: only the sample's namespace is
   * watched (other test classes leave pools in theirs), and there is no admin server (a fixed 8081
   * could clash on this host) nor any session report from proxy pods (KWOK's pod IPs are fake).
   * Returns its leader-election identity, or the pod name without leader election.
   */
  String startOperator(String name, Optional<String> leaseNamespace) {
    Deployment deployment = deployment(name);
    List<String> args = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    assertThat(args.get(0)).isEqualTo("operator");
    String pod = operatorPods().get(0).getMetadata().getName();
    OperatorSettings parsed = OperatorCommand.settingsFrom(args.subList(1, args.size()),
        Map.of("POD_NAME", pod, "POD_NAMESPACE", ns));
    assertThat(parsed.namespaces()).as("the chart watches all namespaces").isEmpty();
    assertThat(parsed.leaderElection().map(l -> l.leaseNamespace())).isEqualTo(leaseNamespace);
    createAppNamespace();
    String serviceAccount = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
    operatorClient = k8s.controlPlane().impersonating(AccessReviews.user(ns, serviceAccount),
        AccessReviews.groups(ns));
    operator.start(operatorClient, new OperatorSettings(parsed.defaultImage(), Set.of(appNs),
        parsed.leaderElection(), Optional.empty(), parsed.metrics(), parsed.sessionRefresh(),
        parsed.drainRefresh(), p -> Optional.empty(), parsed.nativeSidecars(), parsed.writeMethod(), parsed.clock()));
    return parsed.leaderElection().map(l -> l.identity()).orElse(pod);
  }

  void stopOperator() {
    operator.stop();
    if (operatorClient != null) {
      operatorClient.close();
      operatorClient = null;
    }
  }

  /** The API server's audit log has no 403 for anything the operator did as {@code serviceAccount}. */
  void assertNothingRefusedTo(String serviceAccount) {
    String user = AccessReviews.user(ns, serviceAccount);
    assertThat(AccessReviews.refused(k8s.controlPlane().auditLog(), user))
        .as("requests of %s refused by RBAC", user).isEmpty();
  }

  /** {@code kubectl create -f samples/<file> -n <appNs>}, as the admin. */
  void applySample(String file) {
    createAppNamespace();
    try (InputStream in = new FileInputStream(Path.of("samples", file).toFile())) {
      admin.load(in).items().forEach(o -> admin.resource(o).inNamespace(appNs).create());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String condition(String pool, String type) {
    StickyPool p = admin.resources(StickyPool.class).inNamespace(appNs).withName(pool).get();
    if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
      return null;
    }
    return p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()))
        .map(c -> c.getStatus()).findFirst().orElse(null);
  }

  /** The pool's proxy Deployment (what the operator made of {@code samples/pool-cookie.yaml}). */
  Deployment proxyDeployment() {
    return admin.apps().deployments().inNamespace(appNs).withName("web-proxy").get();
  }

  String proxyImage() {
    Deployment proxy = proxyDeployment();
    return proxy == null ? null : proxy.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  Deployment deployment(String name) {
    return admin.apps().deployments().inNamespace(ns).withName(name).get();
  }

  /** The release's operator pods that are not on their way out. */
  List<Pod> operatorPods() {
    return admin.pods().inNamespace(ns).withLabel(INSTANCE, release).list().getItems()
        .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  CustomResourceDefinition crd() {
    return admin.apiextensions().v1().customResourceDefinitions().withName(CRD).get();
  }

  void deleteAppNamespace() {
    admin.namespaces().withName(appNs).delete();
  }

  private void createAppNamespace() {
    if (admin.namespaces().withName(appNs).get() == null) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(appNs).endMetadata()
          .build()).create();
    }
  }
}
