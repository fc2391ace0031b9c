package io.stickypool.operator.drain;

import io.stickypool.core.backend.BackendId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides which backend pods get which {@value #COST_ANNOTATION}, so that a ReplicaSet scale-down
 * deletes the pods with the fewest live sessions first. Pure: the writer gathers the pods'
 * annotations and its own patch history, and applies the result.
 *
 * <p>Rules, in order: a pod another pool owns is never touched; with the option off, the pool
 * removes the cost only where its {@value #OWNER_ANNOTATION} says it wrote it, so a user's own cost
 * stays; with it on, a pod whose session count is unknown is not touched, a pod already carrying
 * the value is not patched, and a pod patched less than {@code minInterval} ago waits (session
 * counts move all the time; each patch is a pod write every controller watching pods sees).
 */
public final class PodDeletionCosts {
  public static final String COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";
  /** The pool that wrote the cost; its absence means a user (or nobody) set it. */
  public static final String OWNER_ANNOTATION = "stickypool.io/deletion-cost-owner";
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(30);

  /** A pod's two annotations as read; either may be null. */
  public record PodCost(String cost, String owner) {}

  /** Set {@code cost} on {@code pod} and claim it, or, with {@code cost} null, remove both. */
  public record Patch(String pod, Integer cost) {
    public boolean removes() {
      return cost == null;
    }
  }

  private PodDeletionCosts() {}

  /**
   * @param pods the pods to consider, by name, with their current annotations
   * @param lastPatched when this operator last patched each pod; absent means never
   */
  public static List<Patch> plan(String pool, boolean enabled, Map<BackendId, Long> sessions,
      Map<String, PodCost> pods, Map<String, Instant> lastPatched, Instant now, Duration minInterval) {
    Objects.requireNonNull(pool, "pool");
    List<Patch> out = new ArrayList<>();
    pods.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      String pod = e.getKey();
      PodCost current = e.getValue();
      boolean ours = pool.equals(current.owner());
      if (current.owner() != null && !ours) {
        return;
      }
      if (!enabled) {
        if (ours) {
          out.add(new Patch(pod, null));
        }
        return;
      }
      Long count = sessions.get(BackendId.of(pod));
      if (count == null || (ours && String.valueOf(clamp(count)).equals(current.cost()))
          || !due(lastPatched.get(pod), now, minInterval)) {
        return;
      }
      out.add(new Patch(pod, clamp(count)));
    });
    return out;
  }

  /** Whether a pod last patched at {@code last} (null: never) may be patched again at {@code now}. */
  public static boolean due(Instant last, Instant now, Duration minInterval) {
    return last == null || !now.isBefore(last.plus(minInterval));
  }

  /** The annotation is an int32; a count beyond it still sorts last. */
  static int clamp(long count) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, count));
  }
}
