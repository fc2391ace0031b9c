package io.stickypool.operator.apply;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.api.v1alpha1.ProxyMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes what one pool owns when the pool is deleted. On a real cluster the garbage collector
 * would do it through the controller ownerReferences; doing it here as well makes deletion
 * independent of GC (absent on the CRUD mock the tests run on) and immediate. An object with the
 * same name that another owner controls is left alone.
 */
public final class PoolCleanup {
  private PoolCleanup() {}

  /** @return how many objects were deleted */
  public static int deleteOwned(KubernetesClient client, PoolIdentity id) {
    List<Resource<? extends HasMetadata>> all = new ArrayList<>(deploymentModeOnly(client, id));
    all.addAll(sidecarModeOnly(client, id));
    String ns = id.namespace();
    all.addAll(List.of(
        client.services().inNamespace(ns).withName(id.proxyAdminName()),
        client.configMaps().inNamespace(ns).withName(id.routesName()),
        client.secrets().inNamespace(ns).withName(id.keysName())));
    return delete(all, id);
  }

  /**
   * Deletes what only the other proxy mode uses, after a switch between Deployment and Sidecar:
   * the proxy Deployment, its Service, PodDisruptionBudget and identity, or the sidecar's access rules.
   *
   * @return how many objects were deleted
   */
  public static int deleteOtherMode(KubernetesClient client, PoolIdentity id, ProxyMode mode) {
    return delete(mode == ProxyMode.Sidecar ? deploymentModeOnly(client, id) : sidecarModeOnly(client, id), id);
  }

  private static List<Resource<? extends HasMetadata>> deploymentModeOnly(KubernetesClient client, PoolIdentity id) {
    String ns = id.namespace();
    return List.of(
        client.apps().deployments().inNamespace(ns).withName(id.proxyName()),
        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName(id.proxyName()),
        client.services().inNamespace(ns).withName(id.proxyName()),
        client.rbac().roleBindings().inNamespace(ns).withName(id.proxyName()),
        client.rbac().roles().inNamespace(ns).withName(id.proxyName()),
        client.serviceAccounts().inNamespace(ns).withName(id.proxyName()));
  }

  private static List<Resource<? extends HasMetadata>> sidecarModeOnly(KubernetesClient client, PoolIdentity id) {
    String ns = id.namespace();
    return List.of(
        client.rbac().roleBindings().inNamespace(ns).withName(id.sidecarAccessName()),
        client.rbac().roles().inNamespace(ns).withName(id.sidecarAccessName()));
  }

  private static int delete(List<Resource<? extends HasMetadata>> owned, PoolIdentity id) {
    int deleted = 0;
    for (Resource<? extends HasMetadata> resource : owned) {
      HasMetadata current = resource.get();
      if (current != null && controlledBy(current, id.uid())) {
        resource.delete();
        deleted++;
      }
    }
    return deleted;
  }

  private static boolean controlledBy(HasMetadata object, String uid) {
    var refs = object.getMetadata().getOwnerReferences();
    return refs != null && refs.stream()
        .anyMatch(r -> Boolean.TRUE.equals(r.getController()) && uid.equals(r.getUid()));
  }
}
