package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.stickypool.api.v1alpha1.StickyPool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The names, labels and owner reference every object of one pool shares. Names are derived from
 * the pool so the reconciler can find its objects again without storing anything.
 *
 * <p>The owner reference is built by hand: fabric8's {@code addOwnerReference} leaves {@code
 * controller} unset, and without {@code controller: true} the operator's informers cannot map an
 * object back to its pool, nor does garbage collection block on {@code blockOwnerDeletion}.
 */
public record PoolIdentity(String name, String namespace, String uid, Long generation) {
  public static final String API_VERSION = "stickypool.io/v1alpha1";
  public static final String KIND = "StickyPool";
  public static final String APP_NAME = "stickypool-proxy";
  public static final String MANAGED_BY = "stickypool-operator";
  public static final String POOL_LABEL = "stickypool.io/pool";

  public PoolIdentity {
    Objects.requireNonNull(name, "pool name");
    Objects.requireNonNull(namespace, "pool namespace");
    Objects.requireNonNull(uid, "pool uid");
  }

  /** @throws NullPointerException when the pool has no name, namespace or uid yet */
  public static PoolIdentity of(StickyPool pool) {
    ObjectMeta meta = pool.getMetadata();
    return new PoolIdentity(
        meta.getName(), meta.getNamespace(), meta.getUid(), meta.getGeneration());
  }

  public String proxyName() {
    return name + "-proxy";
  }

  /** The ClusterIP Service on the proxies' admin port, for backend preStop hooks. */
  public String proxyAdminName() {
    return name + "-proxy-admin";
  }

  /** The Role and RoleBinding that let a sidecar target's ServiceAccount read this pool's objects. */
  public String sidecarAccessName() {
    return name + "-sidecar";
  }

  public String routesName() {
    return name + "-routes";
  }

  public String keysName() {
    return name + "-keys";
  }

  /** The labels that pick this pool's proxy pods: stable for the pods' lifetime. */
  public Map<String, String> selectorLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", APP_NAME);
    labels.put("app.kubernetes.io/instance", name);
    return labels;
  }

  public Map<String, String> labels() {
    Map<String, String> labels = selectorLabels();
    labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
    labels.put(POOL_LABEL, name);
    return labels;
  }

  public OwnerReference ownerReference() {
    return new OwnerReferenceBuilder()
        .withApiVersion(API_VERSION)
        .withKind(KIND)
        .withName(name)
        .withUid(uid)
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** Metadata of an owned object called {@code objectName}. */
  public ObjectMeta metadata(String objectName) {
    return new ObjectMetaBuilder()
        .withName(objectName)
        .withNamespace(namespace)
        .withLabels(labels())
        .withOwnerReferences(ownerReference())
        .build();
  }
}
