package io.stickypool.operator.drain;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.drain.PodDeletionCosts.Patch;
import io.stickypool.operator.drain.PodDeletionCosts.PodCost;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link PodDeletionCosts} to the backend pods of a pool, reading them from the backend
 * pod cache and each pod's share over every pool from {@link SharedBackends}. Writes are patches
 * that touch only the two annotations, so no resourceVersion conflict with the kubelet's status
 * writes: a JSON merge patch sets them; a JSON patch removes them, guarded by a {@code test} that
 * the owner is still what was read (so a cost a user took over meanwhile stays).
 *
 * <p>Thread-safe: pools sharing pods may be updated concurrently. The patch history is per pod, not
 * per pool (two pools over one Service compute the same sum: the first one writes it, the other
 * finds it written or within the interval), lives in memory (after a restart each pod may be
 * patched once more at once, which is harmless), and forgets a pod no pool routes to any more.
 */
public final class PodDeletionCostWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PodDeletionCostWriter.class);
  private static final int UNPROCESSABLE = 422;

  private final KubernetesClient client;
  private final SharedBackends shared;
  private final Duration minInterval;
  /** namespace/pod -> when it was last patched. */
  private final Map<String, Instant> lastPatched = new ConcurrentHashMap<>();

  public PodDeletionCostWriter(KubernetesClient client, SharedBackends shared) {
    this(client, shared, PodDeletionCosts.DEFAULT_MIN_INTERVAL);
  }

  public PodDeletionCostWriter(KubernetesClient client, SharedBackends shared, Duration minInterval) {
    this.client = client;
    this.shared = shared;
    this.minInterval = minInterval;
  }

  /**
   * Brings the costs of the pods {@code backends} (one pool's) in line with their shares. Failures
   * are logged, never thrown: the cost is a hint to the ReplicaSet controller, not something a
   * reconcile should fail over.
   *
   * @param poolsInNamespace uid -> name of every pool of the namespace (see {@link SharedBackends#shares})
   * @return the patches applied, and when a held-back change is due
   */
  public Update update(String namespace, Set<BackendId> backends, Map<String, String> poolsInNamespace,
      BackendPods pods, Instant now) {
    forgetUnrouted(namespace);
    Map<String, Pod> cached = new TreeMap<>();
    Map<String, PodCost> current = new TreeMap<>();
    Map<String, SharedBackends.Share> shares = new TreeMap<>();
    shared.shares(namespace, backends, poolsInNamespace).forEach((id, share) ->
        pods.get(namespace, id.value()).ifPresent(pod -> {
          cached.put(id.value(), pod);
          current.put(id.value(), cost(pod));
          shares.put(id.value(), share);
        }));
    Map<String, Instant> history = new TreeMap<>();
    current.keySet().forEach(name -> {
      Instant last = lastPatched.get(key(namespace, name));
      if (last != null) {
        history.put(name, last);
      }
    });
    List<Patch> applied = new ArrayList<>();
    for (Patch p : PodDeletionCosts.plan(current, shares, history, now, minInterval)) {
      if ((p.removes() || claim(namespace, p.pod(), now)) && apply(cached.get(p.pod()), p, current.get(p.pod()))) {
        applied.add(p);
      }
    }
    return new Update(applied, current.keySet().stream()
        .map(name -> PodDeletionCosts.heldBackUntil(current.get(name), shares.get(name),
            lastPatched.get(key(namespace, name)), now, minInterval))
        .flatMap(java.util.Optional::stream).min(Instant::compareTo));
  }

  /**
   * What one {@link #update} did.
   *
   * @param heldBackUntil when a wanted change the interval held back may be written: the caller's
   *     reconcile comes back then (an idle pool has no other reason to)
   */
  public record Update(List<Patch> applied, java.util.Optional<Instant> heldBackUntil) {}

  /** Takes the pod's interval for this patch, unless another pool's reconcile just did. */
  private boolean claim(String namespace, String pod, Instant now) {
    AtomicBoolean took = new AtomicBoolean();
    lastPatched.compute(key(namespace, pod), (k, last) -> {
      took.set(PodDeletionCosts.due(last, now, minInterval));
      return took.get() ? now : last;
    });
    return took.get();
  }

  private void forgetUnrouted(String namespace) {
    String prefix = namespace + "/";
    lastPatched.keySet().removeIf(k -> k.startsWith(prefix)
        && !shared.routed(namespace, BackendId.of(k.substring(prefix.length()))));
  }

  private static PodCost cost(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    return a == null ? new PodCost(null, null)
        : new PodCost(a.get(PodDeletionCosts.COST_ANNOTATION), a.get(PodDeletionCosts.OWNER_ANNOTATION));
  }

  private boolean apply(Pod pod, Patch patch, PodCost before) {
    String namespace = pod.getMetadata().getNamespace();
    // With the cached pod as its item the client sends the patch alone; by name it would GET first.
    var resource = client.pods().inNamespace(namespace).resource(pod);
    try {
      if (patch.removes()) {
        resource.patch(PatchContext.of(PatchType.JSON), removal(patch.owners(), before.cost() != null));
        lastPatched.remove(key(namespace, patch.pod()));
      } else {
        resource.patch(PatchContext.of(PatchType.JSON_MERGE), setting(patch.owners(), patch.cost()));
      }
      return true;
    } catch (KubernetesClientException e) {
      lastPatched.remove(key(namespace, patch.pod()));
      // 404: the pod went meanwhile; 422: the owner changed since the cache saw it (a user's now).
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND && e.getCode() != UNPROCESSABLE) {
        LOG.warn("cannot set the deletion cost of pod {}/{}: {}", namespace, patch.pod(), e.getMessage());
      }
      return false;
    }
  }

  /** Entries in the patch history: tests check that it forgets pods. */
  int remembered() {
    return lastPatched.size();
  }

  private static String key(String namespace, String pod) {
    return namespace + "/" + pod;
  }

  // Annotation keys and pool names are DNS-1123 and the cost is a number: nothing to escape.

  /** A JSON merge patch setting the cost and naming the pools it sums. */
  static String setting(String owners, int cost) {
    return "{\"metadata\":{\"annotations\":{\"" + PodDeletionCosts.COST_ANNOTATION + "\":\"" + cost
        + "\",\"" + PodDeletionCosts.OWNER_ANNOTATION + "\":\"" + owners + "\"}}}";
  }

  /** A JSON patch removing both annotations if the owner is still {@code owners} (else 422, no change). */
  static String removal(String owners, boolean hasCost) {
    String owner = "/metadata/annotations/" + pointer(PodDeletionCosts.OWNER_ANNOTATION);
    String ops = "[{\"op\":\"test\",\"path\":\"" + owner + "\",\"value\":\"" + owners + "\"},"
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
