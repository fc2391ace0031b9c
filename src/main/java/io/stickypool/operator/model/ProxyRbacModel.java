package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.List;

/**
 * The proxy's identity and the least it may read: its own routes ConfigMap and keys Secret (and
 * the TLS Secret that spec.proxy.tls names, watched by {@code proxy --tls-secret}), by name,
 * read-only. Pods mount this account's token and watch the ConfigMap through the API server
 * ({@code proxy --config-map}); the Secret is read from a mounted file today, so its rights are
 * unused for now. {@code watch} with {@code resourceNames} works because clients watch with a
 * {@code metadata.name} field selector.
 */
public final class ProxyRbacModel {
  static final List<String> READ_VERBS = List.of("get", "list", "watch");

  private ProxyRbacModel() {}

  public static ServiceAccount serviceAccount(PoolIdentity pool) {
    return new ServiceAccountBuilder()
        .withMetadata(pool.metadata(pool.proxyName()))
        // The pod sets automountServiceAccountToken itself; the account does not decide it.
        .build();
  }

  public static Role role(PoolIdentity pool) {
    return role(pool, pool.proxyName(), null);
  }

  /** @param tlsSecret the TLS Secret the proxy watches too, or null */
  public static Role role(PoolIdentity pool, String tlsSecret) {
    return role(pool, pool.proxyName(), tlsSecret);
  }

  public static RoleBinding roleBinding(PoolIdentity pool) {
    return roleBinding(pool, pool.proxyName(), pool.proxyName());
  }

  /**
   * Sidecar mode: the same two read rules, granted to the ServiceAccount the target's pods already
   * run as, since a sidecar cannot have an account of its own. Every pod of that account can then
   * read the routes and keys; nothing else is granted.
   */
  public static Role sidecarRole(PoolIdentity pool) {
    return role(pool, pool.sidecarAccessName(), null);
  }

  public static Role sidecarRole(PoolIdentity pool, String tlsSecret) {
    return role(pool, pool.sidecarAccessName(), tlsSecret);
  }

  public static RoleBinding sidecarRoleBinding(PoolIdentity pool, String targetServiceAccount) {
    return roleBinding(pool, pool.sidecarAccessName(), targetServiceAccount);
  }

  private static Role role(PoolIdentity pool, String name, String tlsSecret) {
    RoleBuilder role = new RoleBuilder()
        .withMetadata(pool.metadata(name))
        .withRules(readOnly("configmaps", pool.routesName()), readOnly("secrets", pool.keysName()));
    // The TLS Secret, watched through the API server (proxy --tls-secret), by name only.
    return tlsSecret == null ? role.build() : role.addToRules(readOnly("secrets", tlsSecret)).build();
  }

  private static RoleBinding roleBinding(PoolIdentity pool, String name, String serviceAccount) {
    return new RoleBindingBuilder()
        .withMetadata(pool.metadata(name))
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
        .addNewSubject()
            .withKind("ServiceAccount")
            .withName(serviceAccount)
            .withNamespace(pool.namespace())
        .endSubject()
        .build();
  }

  private static PolicyRule readOnly(String resource, String name) {
    return new PolicyRuleBuilder()
        .withApiGroups("")
        .withResources(resource)
        .withResourceNames(name)
        .withVerbs(READ_VERBS)
        .build();
  }
}
