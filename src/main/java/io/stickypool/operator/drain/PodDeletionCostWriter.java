package io.stickypool.operator.drain;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.drain.PodDeletionCosts.PodCost;
import io.stickypool.operator.drain.PodDeletionCosts.Patch;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link PodDeletionCosts} to a pool's backend pods with patches that touch only the two
 * annotations, so no resourceVersion conflict with the kubelet's status writes: a JSON merge patch
 * sets them; a JSON patch removes them, guarded by a {@code test} that the owner is still this pool
 * (so a cost a user took over meanwhile stays).
 *
 * <p>Thread-safe: pools may be updated concurrently; calls for one pool must not overlap (JOSDK
 * runs one reconcile per pool at a time). The patch history lives in memory: after a restart each
 * pod may be patched once more at once, which is harmless.
 *
 * <p>Pods looked at: the ones with a session count, the ones this writer patched, and the pool's
 * {@code status.backends}. With the option off they are looked at once (GET each) to remove our
 * cost, then not again until the option is turned back on.
 */
public final class PodDeletionCostWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PodDeletionCostWriter.class);

  private final KubernetesClient client;
  private final Duration minInterval;
  private final Map<String, PoolState> pools = new ConcurrentHashMap<>();

  public PodDeletionCostWriter(KubernetesClient client) {
    this(client, PodDeletionCosts.DEFAULT_MIN_INTERVAL);
  }

  public PodDeletionCostWriter(KubernetesClient client, Duration minInterval) {
    this.client = client;
    this.minInterval = minInterval;
  }

  /** What one pool's writer remembers: when it patched each pod, and whether it cleaned up. */
  private static final class PoolState {
    final Map<String, Instant> lastPatched = new ConcurrentHashMap<>();
    volatile boolean cleanedUp;
  }

  /**
   * Brings the pool's backend pods' costs in line with {@code sessionsByBackend} (or removes ours
   * when {@code spec.drain.podDeletionCost} is off). Failures are logged, never thrown: the cost is
   * a hint to the ReplicaSet controller, not something a reconcile should fail over.
   *
   * @return the patches applied
   */
  public List<Patch> update(StickyPool pool, Map<BackendId, Long> sessionsByBackend, Instant now) {
    boolean enabled = pool.getSpec().getDrain() != null
        && Boolean.TRUE.equals(pool.getSpec().getDrain().getPodDeletionCost());
    PoolState state = pools.computeIfAbsent(pool.getMetadata().getUid(), uid -> new PoolState());
    if (!enabled && state.cleanedUp) {
      return List.of();
    }
    Set<String> candidates = candidates(pool, sessionsByBackend, state, enabled, now);
    Map<String, PodCost> pods = read(pool.getMetadata().getNamespace(), candidates);
    candidates.stream().filter(n -> !pods.containsKey(n)).forEach(state.lastPatched::remove);
    List<Patch> plan = PodDeletionCosts.plan(pool.getMetadata().getName(), enabled,
        sessionsByBackend, pods, state.lastPatched, now, minInterval);
    Map<Patch, Outcome> outcomes = new LinkedHashMap<>();
    plan.forEach(p -> outcomes.put(p, apply(pool, p, pods.get(p.pod()), state, now)));
    state.cleanedUp = !enabled && !outcomes.containsValue(Outcome.FAILED);
    return outcomes.entrySet().stream()
        .filter(e -> e.getValue() == Outcome.APPLIED).map(Map.Entry::getKey).toList();
  }

  /** Drops what the writer remembers about a deleted pool. */
  public void forget(String poolUid) {
    pools.remove(poolUid);
  }

  /** Pods that could need a patch; ones still inside their interval are not even read. */
  private Set<String> candidates(StickyPool pool, Map<BackendId, Long> sessions, PoolState state,
      boolean enabled, Instant now) {
    Set<String> names = new TreeSet<>();
    sessions.keySet().forEach(id -> names.add(id.value()));
    names.addAll(state.lastPatched.keySet());
    if (pool.getStatus() != null && pool.getStatus().getBackends() != null) {
      pool.getStatus().getBackends().stream().map(BackendStatus::getId).forEach(names::add);
    }
    if (enabled) {
      names.removeIf(n -> !PodDeletionCosts.due(state.lastPatched.get(n), now, minInterval));
    }
    return names;
  }

  private Map<String, PodCost> read(String namespace, Set<String> names) {
    Map<String, PodCost> out = new LinkedHashMap<>();
    for (String name : names) {
      try {
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        if (pod != null) {
          Map<String, String> a = pod.getMetadata().getAnnotations();
          out.put(name, a == null ? new PodCost(null, null) : new PodCost(
              a.get(PodDeletionCosts.COST_ANNOTATION), a.get(PodDeletionCosts.OWNER_ANNOTATION)));
        }
      } catch (KubernetesClientException e) {
        LOG.warn("cannot read pod {}/{} for its deletion cost: {}", namespace, name, e.getMessage());
      }
    }
    return out;
  }

  private enum Outcome { APPLIED, VANISHED, FAILED }

  private Outcome apply(StickyPool pool, Patch patch, PodCost current, PoolState state, Instant now) {
    String ns = pool.getMetadata().getNamespace();
    String name = pool.getMetadata().getName();
    var resource = client.pods().inNamespace(ns).withName(patch.pod());
    try {
      if (patch.removes()) {
        resource.patch(PatchContext.of(PatchType.JSON), removal(name, current.cost() != null));
        state.lastPatched.remove(patch.pod());
      } else {
        resource.patch(PatchContext.of(PatchType.JSON_MERGE), setting(name, patch.cost()));
        state.lastPatched.put(patch.pod(), now);
      }
      return Outcome.APPLIED;
    } catch (KubernetesClientException e) {
      state.lastPatched.remove(patch.pod());
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return Outcome.VANISHED;
      }
      LOG.warn("cannot set the deletion cost of pod {}/{}: {}", ns, patch.pod(), e.getMessage());
      return Outcome.FAILED;
    }
  }

  // Annotation keys and the pool name are DNS-1123 and the cost is a number: nothing to escape.

  /** A JSON merge patch setting the cost and claiming it for {@code pool}. */
  static String setting(String pool, int cost) {
    return "{\"metadata\":{\"annotations\":{\"" + PodDeletionCosts.COST_ANNOTATION + "\":\"" + cost
        + "\",\"" + PodDeletionCosts.OWNER_ANNOTATION + "\":\"" + pool + "\"}}}";
  }

  /** A JSON patch removing both annotations if {@code pool} still owns them (else 422, no change). */
  static String removal(String pool, boolean hasCost) {
    String owner = "/metadata/annotations/" + pointer(PodDeletionCosts.OWNER_ANNOTATION);
    String ops = "[{\"op\":\"test\",\"path\":\"" + owner + "\",\"value\":\"" + pool + "\"},"
        + "{\"op\":\"remove\",\"path\":\"" + owner + "\"}";
    if (hasCost) {
      ops += ",{\"op\":\"remove\",\"path\":\"/metadata/annotations/"
          + pointer(PodDeletionCosts.COST_ANNOTATION) + "\"}";
    }
    return ops + "]";
  }

  /** RFC 6901: {@code ~} and {@code /} in a key. */
  private static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
