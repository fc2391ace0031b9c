package io.stickypool.operator.caches;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store that keeps a pruned copy of each object: only what the operator reads. The
 * informers over Services, EndpointSlices and workloads cannot be narrowed by label (the targets are
 * the users' objects), so every such object in the watched namespaces is held; pruning is what keeps
 * a cluster full of unrelated objects from filling the operator's heap (managedFields alone are
 * often half of an object, as nested maps).
 *
 * <p>One store serves one informer: an informer that relists removes from its store every key it
 * did not list, so a store shared by per-namespace informers would lose the other namespaces. See
 * {@code PoolEventSources}.
 */
final class PrunedItemStore<R extends HasMetadata> implements ItemStore<R> {
  private final BasicItemStore<R> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final UnaryOperator<R> prune;

  PrunedItemStore(UnaryOperator<R> prune) {
    this.prune = prune;
  }

  @Override
  public String getKey(R obj) {
    return items.getKey(obj);
  }

  @Override
  public R put(String key, R obj) {
    return items.put(key, prune.apply(obj));
  }

  @Override
  public R remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet();
  }

  @Override
  public Stream<R> values() {
    return items.values();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public R get(String key) {
    return items.get(key);
  }
}
