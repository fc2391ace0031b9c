package io.stickypool.operator.drain;

import io.stickypool.operator.drain.SharedBackends.Share;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides which backend pods get which {@value #COST_ANNOTATION}, so that a ReplicaSet scale-down
 * deletes the pods with the fewest live sessions first. Pure: the writer gathers the pods'
 * annotations (from the cache), each pod's {@link Share} over every pool routing to it, and its own
 * patch history, and applies the result.
 *
 * <p>The cost is the sum of the sessions of every pool with {@code podDeletionCost} on that routes
 * to the pod, and {@value #OWNER_ANNOTATION} names those pools. Rules, in order: a pod no such pool
 * routes to loses a cost the operator wrote (one with the owner annotation), and a user's own cost
 * stays; a pod whose sum is unknown (one of the pools has no complete count) is not touched; a pod
 * already carrying the value and owners is not patched (a user's cost is taken over: the option
 * says the pools manage it); and a pod patched less than
 * {@code minInterval} ago waits (session counts move all the time; each patch is a pod write every
 * controller watching pods sees).
 */
public final class PodDeletionCosts {
  public static final String COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";
  /** The pools whose sessions the cost sums, comma-separated; absent means a user (or nobody) set it. */
  public static final String OWNER_ANNOTATION = "stickypool.io/deletion-cost-owner";
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(30);

  /** A pod's two annotations as read; either may be null. */
  public record PodCost(String cost, String owner) {}

  /**
   * Set {@code cost} on {@code pod} with {@code owners}, or, with {@code cost} null, remove both
   * annotations if the owner is still {@code owners} (what was read).
   */
  public record Patch(String pod, Integer cost, String owners) {
    public boolean removes() {
      return cost == null;
    }
  }

  private PodDeletionCosts() {}

  /**
   * @param pods the pods to consider, by name, with their current annotations
   * @param shares each pod's share; a pod without one is not touched
   * @param lastPatched when this operator last patched each pod; absent means never
   */
  public static List<Patch> plan(Map<String, PodCost> pods, Map<String, Share> shares,
      Map<String, Instant> lastPatched, Instant now, Duration minInterval) {
    List<Patch> out = new ArrayList<>();
    pods.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      String pod = e.getKey();
      PodCost current = e.getValue();
      Share share = shares.get(pod);
      if (share == null) {
        return;
      }
      if (!share.wanted()) {
        if (current.owner() != null) {
          out.add(new Patch(pod, null, current.owner()));
        }
        return;
      }
      if (share.sessions() == null) {
        return;
      }
      if (!same(current, share) && due(lastPatched.get(pod), now, minInterval)) {
        out.add(new Patch(pod, clamp(share.sessions()), share.owners()));
      }
    });
    return out;
  }

  /**
   * When a wanted change of the pod's cost may be written, if the interval holds it back at
   * {@code now}; empty when no change waits. The reconcile comes back then.
   */
  public static java.util.Optional<Instant> heldBackUntil(PodCost current, Share share, Instant last, Instant now,
      Duration minInterval) {
    if (share == null || !share.wanted() || share.sessions() == null || same(current, share)
        || due(last, now, minInterval)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(last.plus(minInterval));
  }

  private static boolean same(PodCost current, Share share) {
    return share.owners().equals(current.owner()) && String.valueOf(clamp(share.sessions())).equals(current.cost());
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
