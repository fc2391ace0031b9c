package io.stickypool.operator.drain;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stickypool.core.backend.BackendId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code terminationGracePeriodSeconds} of a pool's backend pods, GETting only pods not seen
 * before: the field cannot change on a running pod, so one read per pod uid is enough. A pod is
 * known by the {@code targetRef} of its endpoint; when the slice gives the pod's uid, a new pod
 * under an old name (a StatefulSet) is read again.
 *
 * <p>Thread-safe; calls for one pool must not overlap (JOSDK runs one reconcile per pool at a
 * time). Each call keeps only the pool's current pods, so the cache is bounded by the backends.
 */
public final class BackendGracePeriods {
  private static final Logger LOG = LoggerFactory.getLogger(BackendGracePeriods.class);

  private record Known(String uid, Long grace) {}

  private final KubernetesClient client;
  private final Map<String, Map<String, Known>> byPool = new ConcurrentHashMap<>();

  public BackendGracePeriods(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @param backends the pool's backend ids (pod names); endpoints without a Pod targetRef are skipped
   * @return grace seconds (null when unset) by pod name, for the pods that could be read
   */
  public Map<String, Long> of(String poolUid, String namespace, Set<BackendId> backends,
      Collection<EndpointSlice> slices) {
    Map<String, Known> before = byPool.getOrDefault(poolUid, Map.of());
    Map<String, Known> now = new HashMap<>();
    Map<String, Long> out = new TreeMap<>();
    podRefs(slices, backends).forEach((name, uid) -> {
      Known k = before.get(name);
      if (k == null || (uid != null && !uid.equals(k.uid()))) {
        k = read(namespace, name);
      }
      if (k != null) {
        now.put(name, k);
        out.put(name, k.grace());
      }
    });
    byPool.put(poolUid, now);
    return out;
  }

  public void forget(String poolUid) {
    byPool.remove(poolUid);
  }

  /** Pod name -> uid (null when the slice does not say) of the backends' Pod targetRefs. */
  static Map<String, String> podRefs(Collection<EndpointSlice> slices, Set<BackendId> backends) {
    Map<String, String> out = new TreeMap<>();
    for (EndpointSlice slice : slices) {
      for (Endpoint e : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
        ObjectReference ref = e.getTargetRef();
        if (ref != null && "Pod".equals(ref.getKind()) && ref.getName() != null
            && backends.contains(BackendId.of(ref.getName()))) {
          out.merge(ref.getName(), ref.getUid() == null ? "" : ref.getUid(), (a, b) -> a.isEmpty() ? b : a);
        }
      }
    }
    out.replaceAll((name, uid) -> uid.isEmpty() ? null : uid);
    return out;
  }

  private Known read(String namespace, String name) {
    try {
      Pod pod = client.pods().inNamespace(namespace).withName(name).get();
      return pod == null || pod.getSpec() == null ? null
          : new Known(pod.getMetadata().getUid(), pod.getSpec().getTerminationGracePeriodSeconds());
    } catch (KubernetesClientException e) {
      LOG.warn("cannot read backend pod {}/{}: {}", namespace, name, e.getMessage());
      return null;
    }
  }
}
