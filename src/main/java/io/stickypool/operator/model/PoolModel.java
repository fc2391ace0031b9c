package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.stickypool.api.v1alpha1.Proxy;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.contract.RoutingSnapshotCodec;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.util.List;
import java.util.Map;

/**
 * Every object one StickyPool owns, in Deployment or Sidecar mode, built without a client call: the
 * reconciler gathers the inputs (the pool, the snapshot from the endpoints sync, the key ring read
 * back with {@link SigningSecretModel#keyRing} or freshly generated) and applies the result.
 */
public final class PoolModel {
  private static final RoutesConfigMapModel ROUTES =
      new RoutesConfigMapModel(new RoutingSnapshotCodec());

  /** The desired objects, in an order that applies cleanly: dependencies before dependents. */
  public sealed interface Owned permits Desired, SidecarDesired {
    /** Every object, dependencies before dependents. */
    List<HasMetadata> all();
  }

  /** Deployment mode: the proxy runs as its own Deployment behind its own Service. */
  public record Desired(
      ServiceAccount serviceAccount,
      Role role,
      RoleBinding roleBinding,
      ConfigMap routes,
      Secret keys,
      Service service,
      Service adminService,
      Deployment deployment,
      PodDisruptionBudget disruptionBudget) implements Owned {
    @Override
    public List<HasMetadata> all() {
      return List.of(serviceAccount, role, roleBinding, routes, keys, service, adminService, deployment,
          disruptionBudget);
    }
  }

  /**
   * Sidecar mode: what the pool owns besides the injection into its target. The access rules and
   * the admin Service exist only once the target does, since they name its ServiceAccount and
   * select its pods; until then they are null.
   */
  public record SidecarDesired(
      ConfigMap routes, Secret keys, Role role, RoleBinding roleBinding, Service adminService)
      implements Owned {
    @Override
    public List<HasMetadata> all() {
      return java.util.stream.Stream.of(routes, keys, role, roleBinding, adminService)
          .filter(java.util.Objects::nonNull).map(HasMetadata.class::cast).toList();
    }
  }

  /** What a sidecar target contributes to the pool's objects. */
  public record Target(String serviceAccount, Map<String, String> podSelector) {}

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
    return desired(pool, snapshot, keys, keyHistory, defaultImage, false);
  }

  /** @param proxyDeploymentExists whether the proxy Deployment is already there ({@link EffectiveProxy}) */
  public static Desired desired(StickyPool pool, RoutingSnapshot snapshot, KeyRing keys,
      Map<String, String> keyHistory, String defaultImage, boolean proxyDeploymentExists) {
    if (pool.getSpec().getProxy() != null && pool.getSpec().getProxy().getMode() == ProxyMode.Sidecar) {
      throw new IllegalArgumentException("spec.proxy.mode Sidecar: the pool's proxy is injected"
          + " into its targetRef, not deployed on its own");
    }
    PoolIdentity id = PoolIdentity.of(pool);
    EffectiveProxy proxy = EffectiveProxy.of(pool, defaultImage, proxyDeploymentExists);
    Proxy spec = pool.getSpec().getProxy();
    Deployment deployment = ProxyDeploymentModel.desired(id, proxy);
    ProxyPodTemplateModel.apply(id, spec == null ? null : spec.getPodTemplate(),
        deployment.getSpec().getTemplate());
    return new Desired(
        ProxyRbacModel.serviceAccount(id),
        ProxyRbacModel.role(id, proxy.tlsSecret()),
        ProxyRbacModel.roleBinding(id),
        ROUTES.desired(id, proxy.port(), snapshot),
        SigningSecretModel.desired(id, keys, keyHistory),
        ProxyServiceModel.desired(id, proxy),
        ProxyServiceModel.admin(id),
        deployment,
        ProxyDisruptionBudgetModel.desired(id, spec == null ? null : spec.getDisruption()));
  }

  /**
   * @param target the target workload's account and pod selector; null while it does not exist
   */
  public static SidecarDesired sidecar(StickyPool pool, RoutingSnapshot snapshot, KeyRing keys,
      Map<String, String> keyHistory, Target target) {
    PoolIdentity id = PoolIdentity.of(pool);
    int port = EffectiveProxy.port(pool);
    boolean selectable = target != null && target.podSelector() != null && !target.podSelector().isEmpty();
    return new SidecarDesired(
        ROUTES.desired(id, RoutesConfigMapModel.LOOPBACK, port, snapshot),
        SigningSecretModel.desired(id, keys, keyHistory),
        target == null ? null : ProxyRbacModel.sidecarRole(id, EffectiveProxy.tlsSecret(pool)),
        target == null ? null : ProxyRbacModel.sidecarRoleBinding(id, target.serviceAccount()),
        selectable ? ProxyServiceModel.sidecarAdmin(id, target.podSelector()) : null);
  }
}
