package io.stickypool.operator.drain;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether the backend pods live long enough to drain: Kubernetes kills a terminating pod after its
 * {@code terminationGracePeriodSeconds}, however many sessions it still holds, so a grace shorter
 * than the pool's drainTimeout cuts drains short. Pure.
 */
public final class GracePeriodCheck {
  /** What Kubernetes uses when a pod spec leaves the field unset. */
  public static final long DEFAULT_GRACE_SECONDS = 30;

  public enum Fit { FITS, TOO_SHORT, UNKNOWN }

  /**
   * @param shortestSeconds the shortest grace among the pods read, or null when none was
   * @param affected the pods whose grace is shorter than the drainTimeout, by name
   */
  public record Result(Fit fit, Long shortestSeconds, List<String> affected, String message) {
    public Result {
      Objects.requireNonNull(fit, "fit");
      affected = List.copyOf(affected);
    }
  }

  private GracePeriodCheck() {}

  /**
   * @param graceByPod each backend pod that could be read, with its {@code
   *     spec.terminationGracePeriodSeconds} (null when unset)
   */
  public static Result check(Duration drainTimeout, Map<String, Long> graceByPod) {
    String timeout = "drainTimeout " + seconds(drainTimeout);
    if (graceByPod.isEmpty()) {
      return new Result(Fit.UNKNOWN, null, List.of(),
          "no backend pod could be read to compare its terminationGracePeriodSeconds with " + timeout);
    }
    long shortest = graceByPod.values().stream().mapToLong(GracePeriodCheck::orDefault).min().orElseThrow();
    List<String> affected = graceByPod.entrySet().stream()
        .filter(e -> Duration.ofSeconds(orDefault(e.getValue())).compareTo(drainTimeout) < 0)
        .map(Map.Entry::getKey).sorted().toList();
    if (affected.isEmpty()) {
      return new Result(Fit.FITS, shortest, affected, "all " + graceByPod.size()
          + " backend pods have terminationGracePeriodSeconds >= " + timeout + " (shortest " + shortest + ")");
    }
    String pods = affected.size() == 1 ? "1 backend pod has" : affected.size() + " backend pods have";
    String names = affected.size() <= 5 ? " (" + String.join(", ", affected) + ")" : "";
    return new Result(Fit.TOO_SHORT, shortest, affected, pods + " terminationGracePeriodSeconds "
        + shortest + " < " + timeout + names + ": they are killed before their sessions drain;"
        + " raise it above the drainTimeout and hold the pods with the preStop hook from docs/draining.md");
  }

  private static long orDefault(Long grace) {
    return grace == null ? DEFAULT_GRACE_SECONDS : grace;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
