package io.stickypool.operator.caches;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.SidecarInjection;
import java.util.Map;

/**
 * What the cache keeps of the objects the operator watches without a label filter. Objects are
 * pruned in place: the informer hands over a copy freshly read from the watch, and the event handlers
 * then see the same pruned object the cache holds.
 */
public final class CachePruning {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  private CachePruning() {}

  /**
   * Drops the server's bookkeeping no reconcile reads: managedFields, and kubectl's copy of the last
   * applied object (as large as the object itself).
   */
  public static <R extends HasMetadata> R bookkeeping(R object) {
    object.getMetadata().setManagedFields(null);
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    if (annotations != null) {
      annotations.remove(LAST_APPLIED);
    }
    return object;
  }

  /**
   * A Deployment or StatefulSet that is neither the operator's nor carries a pool's sidecar keeps
   * its metadata, selector, replicas and status, not its pod template: the template (usually the
   * largest part) is needed only to inject a sidecar, and that path reads the target fresh when its
   * cached copy has none ({@link #templatePruned}).
   */
  public static <W extends HasMetadata> W workload(W workload) {
    bookkeeping(workload);
    if (operatorOwned(workload) || SidecarInjection.record(workload).isPresent()) {
      return workload;
    }
    if (workload instanceof Deployment d && d.getSpec() != null) {
      d.getSpec().setTemplate(null);
    } else if (workload instanceof StatefulSet s && s.getSpec() != null) {
      s.getSpec().setTemplate(null);
      s.getSpec().setVolumeClaimTemplates(null);
    }
    return workload;
  }

  /** True when this copy came from the cache without its pod template. */
  public static boolean templatePruned(HasMetadata workload) {
    if (workload instanceof Deployment d) {
      return d.getSpec() != null && d.getSpec().getTemplate() == null;
    }
    if (workload instanceof StatefulSet s) {
      return s.getSpec() != null && s.getSpec().getTemplate() == null;
    }
    return false;
  }

  static boolean operatorOwned(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return labels != null && PoolIdentity.MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL));
  }
}
