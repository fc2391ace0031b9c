package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.contract.RoutingSnapshotCodec;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.util.List;
import java.util.Map;

/**
 * Every object one StickyPool needs in Deployment mode, built without a client call: the
 * reconciler gathers the inputs (the pool, the snapshot from the endpoints sync, the key ring read
 * back with {@link SigningSecretModel#keyRing} or freshly generated) and applies the result.
 */
public final class PoolModel {
  private static final RoutesConfigMapModel ROUTES =
      new RoutesConfigMapModel(new RoutingSnapshotCodec());

  /** The desired objects, in an order that applies cleanly: dependencies before dependents. */
  public record Desired(
      ServiceAccount serviceAccount,
      Role role,
      RoleBinding roleBinding,
      ConfigMap routes,
      Secret keys,
      Service service,
      Service adminService,
      Deployment deployment) {
    public List<HasMetadata> all() {
      return List.of(serviceAccount, role, roleBinding, routes, keys, service, adminService, deployment);
    }
  }

  private PoolModel() {}

  /**
   * @param defaultImage the proxy image the operator was released with; used when spec.proxy.image
   *     is unset
   * @throws IllegalArgumentException when no image is known
   * @throws NullPointerException when the pool has no name, namespace or uid
   */
  public static Desired desired(
      StickyPool pool, RoutingSnapshot snapshot, KeyRing keys, String defaultImage) {
    return desired(pool, snapshot, keys, Map.of(), defaultImage);
  }

  /** @param keyHistory the rotation history stored on the signing Secret ({@link KeySchedule}) */
  public static Desired desired(StickyPool pool, RoutingSnapshot snapshot, KeyRing keys,
      Map<String, String> keyHistory, String defaultImage) {
    PoolIdentity id = PoolIdentity.of(pool);
    EffectiveProxy proxy = EffectiveProxy.of(pool, defaultImage);
    return new Desired(
        ProxyRbacModel.serviceAccount(id),
        ProxyRbacModel.role(id),
        ProxyRbacModel.roleBinding(id),
        ROUTES.desired(id, proxy.port(), snapshot),
        SigningSecretModel.desired(id, keys, keyHistory),
        ProxyServiceModel.desired(id, proxy),
        ProxyServiceModel.admin(id),
        ProxyDeploymentModel.desired(id, proxy));
  }
}
