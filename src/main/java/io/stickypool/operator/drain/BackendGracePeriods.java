package io.stickypool.operator.drain;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stickypool.core.backend.BackendId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code terminationGracePeriodSeconds} of a pool's backend pods, from the backend pod cache.
 * A pod is known by the {@code targetRef} of its endpoint; when the slice gives the pod's uid and
 * the cache holds another pod under that name (a StatefulSet's replacement not seen yet), the pod
 * counts as not read. Pure over its inputs.
 */
public final class BackendGracePeriods {
  private BackendGracePeriods() {}

  /**
   * @param backends the pool's backend ids (pod names); endpoints without a Pod targetRef are skipped
   * @return grace seconds (null when unset) by pod name, for the pods the cache holds
   */
  public static Map<String, Long> of(BackendPods pods, String namespace, Set<BackendId> backends,
      Collection<EndpointSlice> slices) {
    Map<String, Long> out = new TreeMap<>();
    podRefs(slices, backends).forEach((name, uid) -> pods.get(namespace, name)
        .filter(p -> p.getSpec() != null && (uid == null || uid.equals(p.getMetadata().getUid())))
        .ifPresent(p -> out.put(name, p.getSpec().getTerminationGracePeriodSeconds())));
    return out;
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
}
