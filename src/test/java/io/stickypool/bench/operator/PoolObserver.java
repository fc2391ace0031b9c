package io.stickypool.bench.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.operator.model.RoutesConfigMapModel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What the operator publishes, as watches see it (a proxy watches its routes ConfigMap the same
 * way): which pools are Ready and ProxyAvailable, and per routes ConfigMap the highest snapshot
 * version seen with the moment its event arrived. Informer threads write; the harness reads.
 */
final class PoolObserver implements AutoCloseable {
  /** A routes ConfigMap's snapshot version and when (System.nanoTime) the watch delivered it. */
  record Seen(long version, long atNanos) {}

  private final Map<String, Boolean> ready = new ConcurrentHashMap<>();
  private final Map<String, Boolean> proxyAvailable = new ConcurrentHashMap<>();
  private final Map<String, Seen> routes = new ConcurrentHashMap<>();
  private final SharedIndexInformer<StickyPool> pools;
  private final SharedIndexInformer<ConfigMap> configMaps;

  PoolObserver(KubernetesClient client, String namespace) {
    pools = client.resources(StickyPool.class).inNamespace(namespace).inform(handler(this::pool));
    configMaps = client.configMaps().inNamespace(namespace).inform(handler(this::configMap));
  }

  long readyCount() {
    return ready.values().stream().filter(b -> b).count();
  }

  long proxyAvailableCount() {
    return proxyAvailable.values().stream().filter(b -> b).count();
  }

  /** The routes ConfigMap of {@code pool} as last seen; version 0 before it exists. */
  Seen routes(String pool) {
    return routes.getOrDefault(pool + "-routes", new Seen(0, 0));
  }

  private void pool(StickyPool p) {
    List<Condition> conditions = p.getStatus() == null || p.getStatus().getConditions() == null
        ? List.of() : p.getStatus().getConditions();
    String name = p.getMetadata().getName();
    ready.put(name, isTrue(conditions, ConditionTypes.READY));
    proxyAvailable.put(name, isTrue(conditions, ConditionTypes.PROXY_AVAILABLE));
  }

  private void configMap(ConfigMap cm) {
    long now = System.nanoTime();
    String name = cm.getMetadata().getName();
    Optional.ofNullable(cm.getMetadata().getAnnotations())
        .map(a -> a.get(RoutesConfigMapModel.SNAPSHOT_VERSION_ANNOTATION))
        .map(Long::parseLong)
        .ifPresent(v -> routes.merge(name, new Seen(v, now), (old, seen) -> seen.version() > old.version() ? seen : old));
  }

  private static boolean isTrue(List<Condition> conditions, String type) {
    return conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> seen) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        seen.accept(obj);
      }

      @Override
      public void onUpdate(T before, T obj) {
        seen.accept(obj);
      }

      @Override
      public void onDelete(T obj, boolean unknownFinalState) {}
    };
  }

  @Override
  public void close() {
    pools.close();
    configMaps.close();
  }
}
