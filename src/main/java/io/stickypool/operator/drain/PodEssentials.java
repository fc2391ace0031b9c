package io.stickypool.operator.drain;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The informer store of backend pods: keeps of each pod only what the drain package reads (name,
 * namespace, uid, resourceVersion, deletionTimestamp, the deletion-cost annotations and {@code
 * spec.terminationGracePeriodSeconds}), so that the pods of a namespace that no pool routes to cost
 * a few hundred bytes each, not their whole spec and status.
 *
 * <p>Event handlers still get the full objects; only the cache holds the pruned ones. Thread-safety
 * is the informer's: it calls the store under its own lock. One store per informer: an informer
 * replaces its whole content on a relist, so a store shared by informers of several namespaces
 * would lose the others' pods.
 */
public final class PodEssentials implements ItemStore<Pod> {
  private final BasicItemStore<Pod> pods = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

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

  @Override
  public String getKey(Pod pod) {
    return pods.getKey(pod);
  }

  @Override
  public Pod put(String key, Pod pod) {
    return pods.put(key, essentials(pod));
  }

  @Override
  public Pod remove(String key) {
    return pods.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return pods.keySet();
  }

  @Override
  public Stream<Pod> values() {
    return pods.values();
  }

  @Override
  public int size() {
    return pods.size();
  }

  @Override
  public Pod get(String key) {
    return pods.get(key);
  }
}
