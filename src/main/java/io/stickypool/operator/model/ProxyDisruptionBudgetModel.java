package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.stickypool.api.v1alpha1.ProxyDisruption;

/**
 * The proxy Deployment's PodDisruptionBudget {@code <pool>-proxy} (policy/v1), and what it means at
 * a given replica count. Evictions (kubectl drain, a cluster autoscaler, a node upgrade) go through
 * it; a pod that is deleted outright does not.
 *
 * <p>The default is {@code maxUnavailable: 1}, not {@code minAvailable: 1}: with one replica it
 * still lets a drain evict that pod (the pool has downtime until its replacement is ready, and
 * {@link #tolerance} says so), where {@code minAvailable: 1} would hold every drain of that node
 * forever. With two or more it takes one proxy at a time, each after the previous one's
 * replacement is ready. A budget the user sets is written as given, even one that allows no
 * eviction (some want a drain to wait for a person), and reported the same way.
 */
public final class ProxyDisruptionBudgetModel {
  static final IntOrString DEFAULT_MAX_UNAVAILABLE = new IntOrString(1);

  private ProxyDisruptionBudgetModel() {}

  /** @param disruption spec.proxy.disruption; null means the default */
  public static PodDisruptionBudget desired(PoolIdentity pool, ProxyDisruption disruption) {
    IntOrString minAvailable = disruption == null ? null : disruption.getMinAvailable();
    IntOrString maxUnavailable = minAvailable != null ? null
        : disruption == null || disruption.getMaxUnavailable() == null
            ? DEFAULT_MAX_UNAVAILABLE : disruption.getMaxUnavailable();
    return new PodDisruptionBudgetBuilder()
        .withMetadata(pool.metadata(pool.proxyName()))
        .withNewSpec()
            .withNewSelector().withMatchLabels(pool.selectorLabels()).endSelector()
            .withMaxUnavailable(maxUnavailable)
            .withMinAvailable(minAvailable)
        .endSpec()
        .build();
  }

  /** How the budget fares at a replica count: the ProxyDisruptionTolerant condition. */
  public enum Verdict {
    /** Evictions take some but never every proxy at once. */
    TOLERANT("DisruptionBudgetApplied"),
    /** One replica (or none): any eviction leaves the pool without a ready proxy for a while. */
    SINGLE_REPLICA("SingleProxyReplica"),
    /** The budget allows no eviction: a drain of a node running a proxy waits. */
    EVICTIONS_BLOCKED("EvictionsBlocked"),
    /** The budget allows evicting every proxy at once. */
    EVICTIONS_UNBOUNDED("EvictionsUnbounded");

    private final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  /** @param allowed evictions the budget allows while every replica is ready */
  public record Tolerance(Verdict verdict, int replicas, int allowed, String message) {
    public boolean tolerant() {
      return verdict == Verdict.TOLERANT;
    }
  }

  /**
   * What {@link #desired}'s budget allows with {@code replicas} ready replicas, computed as the
   * disruption controller does (percentages of the replicas, rounded up).
   */
  public static Tolerance tolerance(PoolIdentity pool, ProxyDisruption disruption, int replicas) {
    var spec = desired(pool, disruption).getSpec();
    int allowed = spec.getMinAvailable() != null
        ? Math.max(0, replicas - scaled(spec.getMinAvailable(), replicas))
        : Math.min(replicas, scaled(spec.getMaxUnavailable(), replicas));
    String budget = "PodDisruptionBudget " + pool.proxyName() + " (" + describe(spec.getMinAvailable() != null
        ? "minAvailable" : "maxUnavailable", spec.getMinAvailable() != null ? spec.getMinAvailable()
        : spec.getMaxUnavailable()) + ")";
    if (replicas < 2) {
      return new Tolerance(Verdict.SINGLE_REPLICA, replicas, allowed, replicas + " proxy replica"
          + (replicas == 1 ? "" : "s") + ": a node drain or eviction leaves the pool with no ready proxy"
          + " until a replacement is ready elsewhere; run 2 or more (spec.proxy.replicas, or scale "
          + pool.proxyName() + ")");
    }
    if (allowed == 0) {
      return new Tolerance(Verdict.EVICTIONS_BLOCKED, replicas, allowed, budget + " allows no eviction"
          + " of " + replicas + " proxy replicas: kubectl drain of a node that runs one waits until"
          + " the pool has more ready replicas or the budget changes");
    }
    if (allowed >= replicas) {
      return new Tolerance(Verdict.EVICTIONS_UNBOUNDED, replicas, allowed, budget + " allows evicting"
          + " all " + replicas + " proxy replicas at once: a drain can leave the pool with no ready proxy");
    }
    return new Tolerance(Verdict.TOLERANT, replicas, allowed, budget + ": evictions take at most "
        + allowed + " of " + replicas + " proxy replicas at a time");
  }

  /**
   * The replicas the budget is judged at: the pool's spec.proxy.replicas, else the Deployment's
   * (kubectl scale, an HPA), else the count the operator creates it with.
   */
  public static int replicas(Integer specReplicas, Integer deploymentReplicas) {
    return specReplicas != null ? specReplicas
        : deploymentReplicas != null ? deploymentReplicas : EffectiveProxy.DEFAULT_REPLICAS;
  }

  /** A number, or a percentage of {@code total} rounded up (intstr.GetScaledValueFromIntOrPercent). */
  static int scaled(IntOrString value, int total) {
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    String s = value.getStrVal();
    int percent = Integer.parseInt(s.substring(0, s.length() - 1));
    return (int) Math.ceil(percent * (double) total / 100);
  }

  private static String describe(String field, IntOrString value) {
    return field + " " + (value.getIntVal() != null ? value.getIntVal().toString() : value.getStrVal());
  }
}
