package io.stickypool.operator.drain;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the backend pods' cache keeps of each pod (through a pruning store, {@code
 * caches.PrunedItemStore}): only what the drain package reads (name,
 * namespace, uid, resourceVersion, deletionTimestamp, the deletion-cost annotations and {@code
 * spec.terminationGracePeriodSeconds}), so that the pods of a namespace that no pool routes to cost
 * a few hundred bytes each, not their whole spec and status.
 *
 * <p>The copy is a new object: event handlers still get the full pod.
 */
public final class PodEssentials {
  private PodEssentials() {}

  /** The pruned copy of {@code pod}. */
  public static Pod essentials(Pod pod) {
    ObjectMeta m = pod.getMetadata();
    ObjectMeta kept = new ObjectMeta();
    kept.setName(m.getName());
    kept.setNamespace(m.getNamespace());
    kept.setUid(m.getUid());
    kept.setResourceVersion(m.getResourceVersion());
    kept.setDeletionTimestamp(m.getDeletionTimestamp());
    if (m.getAnnotations() != null) {
      Map<String, String> a = new TreeMap<>();
      for (String key : new String[] {PodDeletionCosts.COST_ANNOTATION, PodDeletionCosts.OWNER_ANNOTATION}) {
        if (m.getAnnotations().containsKey(key)) {
          a.put(key, m.getAnnotations().get(key));
        }
      }
      kept.setAnnotations(a.isEmpty() ? null : a);
    }
    Pod out = new Pod();
    out.setMetadata(kept);
    if (pod.getSpec() != null) {
      PodSpec spec = new PodSpec();
      spec.setTerminationGracePeriodSeconds(pod.getSpec().getTerminationGracePeriodSeconds());
      out.setSpec(spec);
    }
    return out;
  }
}
