package io.stickypool.operator;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The operator's identity as the Helm chart installs it: the chart rendered by Helm (helm-java)
 * with two replicas (so it also renders the Lease Role), and its ServiceAccount, ClusterRole,
 * Roles and bindings exactly as rendered, ready to apply to a real API server. Public for the
 * operator-at-scale benchmark, which runs the operator under this identity.
 */
public final class ChartRbac {
  static final Path CHART = Path.of("deploy/helm/stickypool-operator");
  private static final Set<String> RBAC_KINDS =
      Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

  private final String namespace;
  private final List<HasMetadata> objects;

  private ChartRbac(String namespace, List<HasMetadata> objects) {
    this.namespace = namespace;
    this.objects = objects;
  }

  /** The chart as {@code helm template RELEASE --namespace NAMESPACE --set replicaCount=2}. */
  public static ChartRbac render(String release, String namespace, String kubeVersion) {
    String yaml = new Helm(CHART).template().withName(release).withNamespace(namespace)
        .withKubeVersion(kubeVersion).set("replicaCount", 2).call();
    Object parsed = new KubernetesSerialization().unmarshal(
        new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    @SuppressWarnings("unchecked")
    List<HasMetadata> all = (List<HasMetadata>) parsed;
    return new ChartRbac(namespace, all);
  }

  /** What {@code rbac.create} and {@code serviceAccount.create} put in the cluster. */
  List<HasMetadata> rbacObjects() {
    return objects.stream().filter(o -> RBAC_KINDS.contains(o.getKind())).toList();
  }

  public String serviceAccountName() {
    return single(ServiceAccount.class).getMetadata().getName();
  }

  /** The user name the API server gives a pod running as the chart's ServiceAccount. */
  public String operatorUser() {
    return "system:serviceaccount:" + namespace + ":" + serviceAccountName();
  }

  /** The operator container's args after the {@code operator} subcommand. */
  List<String> operatorArgs() {
    List<String> args = single(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    return args.subList(1, args.size());
  }

  public void apply(KubernetesClient admin) {
    rbacObjects().forEach(o -> admin.resource(o).forceConflicts().serverSideApply());
  }

  /** Removes the cluster-scoped objects; the namespaced ones go with the namespace. */
  void deleteClusterScoped(KubernetesClient admin) {
    rbacObjects().stream().filter(o -> o.getKind().startsWith("Cluster"))
        .forEach(o -> admin.resource(o).delete());
  }

  private <T extends HasMetadata> T single(Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + " in the chart, got " + found.size());
    }
    return found.get(0);
  }
}
