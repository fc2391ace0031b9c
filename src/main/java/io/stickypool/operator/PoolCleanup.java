package io.stickypool.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.stickypool.operator.model.PoolIdentity;
import java.util.List;

/**
 * Deletes what one pool owns when the pool is deleted. On a real cluster the garbage collector
 * would do it through the controller ownerReferences; doing it here as well makes deletion
 * independent of GC (absent on the CRUD mock the tests run on) and immediate. An object with the
 * same name that another owner controls is left alone.
 */
final class PoolCleanup {
  private PoolCleanup() {}

  /** @return how many objects were deleted */
  static int deleteOwned(KubernetesClient client, PoolIdentity id) {
    String ns = id.namespace();
    List<Resource<? extends HasMetadata>> owned = List.of(
        client.apps().deployments().inNamespace(ns).withName(id.proxyName()),
        client.services().inNamespace(ns).withName(id.proxyName()),
        client.services().inNamespace(ns).withName(id.proxyAdminName()),
        client.configMaps().inNamespace(ns).withName(id.routesName()),
        client.secrets().inNamespace(ns).withName(id.keysName()),
        client.rbac().roleBindings().inNamespace(ns).withName(id.proxyName()),
        client.rbac().roles().inNamespace(ns).withName(id.proxyName()),
        client.serviceAccounts().inNamespace(ns).withName(id.proxyName()));
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
