package io.stickypool.operator.status;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.stickypool.api.v1alpha1.ConditionReasons;
import io.stickypool.api.v1alpha1.ProxyReplicas;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Pure: what the pool's status says about its proxies, from the proxy Deployment (Deployment mode)
 * or from the target workload's rollout of the sidecar (Sidecar mode).
 *
 * @param status the ProxyAvailable condition's status: True, False or Unknown
 * @param replicas null when the workload has reported nothing yet
 * @param readyBlocker set when the proxies cannot serve at all for a reason Ready should carry
 */
public record ProxyHealth(String status, String reason, String message, ProxyReplicas replicas,
    Optional<Blocker> readyBlocker) {

  /** Why the pool cannot be Ready whatever its backends, e.g. its sidecar target is missing. */
  public record Blocker(String reason, String message) {}

  /**
   * Unknown until the Deployment controller has seen the current spec, and while a rollout is
   * still progressing with no pod ready (pods may be scheduling or starting); False when no
   * replica is ready otherwise. A real Deployment's status leaves {@code readyReplicas} out when it
   * is 0, so an absent count after the controller reported means none ready, not "not yet".
   */
  public static ProxyHealth of(Deployment proxy) {
    if (proxy == null || proxy.getStatus() == null || !observed(proxy)) {
      return new ProxyHealth("Unknown", ConditionReasons.PROXY_PROGRESSING,
          "waiting for the proxy Deployment to report ready replicas", null, Optional.empty());
    }
    int want = Objects.requireNonNullElse(proxy.getSpec().getReplicas(), 1);
    int ready = Objects.requireNonNullElse(proxy.getStatus().getReadyReplicas(), 0);
    String counts = ready + "/" + want + " proxy replicas ready";
    if (ready > 0) {
      return new ProxyHealth("True", ConditionReasons.PROXY_AVAILABLE, counts, replicas(want, ready), Optional.empty());
    }
    if (rollingOut(proxy)) {
      return new ProxyHealth("Unknown", ConditionReasons.PROXY_PROGRESSING, "rolling out: " + counts,
          replicas(want, ready), Optional.empty());
    }
    return new ProxyHealth("False", ConditionReasons.PROXY_UNAVAILABLE, counts, replicas(want, ready), Optional.empty());
  }

  /** The controller has reported on the current generation of the spec. */
  private static boolean observed(Deployment d) {
    Long seen = d.getStatus().getObservedGeneration();
    Long generation = d.getMetadata().getGeneration();
    return seen != null && (generation == null || seen >= generation);
  }

  /**
   * The Deployment's Progressing condition says a new ReplicaSet is still being brought up (not
   * yet available, deadline not passed): the reasons the Deployment controller uses for that.
   */
  private static boolean rollingOut(Deployment d) {
    if (d.getStatus().getConditions() == null) {
      return false;
    }
    return d.getStatus().getConditions().stream().anyMatch(c -> "Progressing".equals(c.getType())
        && "True".equals(c.getStatus())
        && List.of("NewReplicaSetCreated", "FoundNewReplicaSet", "ReplicaSetUpdated").contains(c.getReason()));
  }

  /** Sidecar mode, with the sidecar not (or no longer) in the target for {@code reason}. */
  public static ProxyHealth blocked(String reason, String message) {
    return new ProxyHealth("False", reason, message, null, Optional.of(new Blocker(reason, message)));
  }

  /**
   * Sidecar mode, with the sidecar in the target's template: available once the target has rolled
   * the template out and some pod is ready; Unknown while the rollout runs, since old pods still
   * serve with the previous template meanwhile.
   */
  public static ProxyHealth ofTarget(HasMetadata target) {
    Rollout r = Rollout.of(target);
    String kindName = target.getKind() + "/" + target.getMetadata().getName();
    if (!r.done()) {
      return new ProxyHealth("Unknown", ConditionReasons.PROXY_PROGRESSING, "rolling out the sidecar in "
          + kindName + ": " + r.updated() + " of " + r.desired() + " pods updated, " + r.ready() + " ready",
          replicas(r.desired(), r.ready()), Optional.empty());
    }
    boolean ok = r.ready() > 0;
    return new ProxyHealth(ok ? "True" : "False",
        ok ? ConditionReasons.PROXY_AVAILABLE : ConditionReasons.PROXY_UNAVAILABLE,
        r.ready() + "/" + r.desired() + " pods of " + kindName + " ready with the sidecar",
        replicas(r.desired(), r.ready()), Optional.empty());
  }

  private static ProxyReplicas replicas(int desired, int ready) {
    ProxyReplicas r = new ProxyReplicas();
    r.setDesired(desired);
    r.setReady(ready);
    return r;
  }

  /** A workload's rollout as its controller reports it. */
  public record Rollout(int desired, int updated, int ready, boolean done) {
    static Rollout of(HasMetadata workload) {
      if (workload instanceof Deployment d) {
        int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
        var s = d.getStatus();
        if (s == null) {
          return new Rollout(desired, 0, 0, false);
        }
        int updated = Objects.requireNonNullElse(s.getUpdatedReplicas(), 0);
        int total = Objects.requireNonNullElse(s.getReplicas(), 0);
        // Seen the current template, and no pod of an older one is left.
        boolean done = observed(s.getObservedGeneration(), d) && updated >= desired && total == updated;
        return new Rollout(desired, updated, Objects.requireNonNullElse(s.getReadyReplicas(), 0), done);
      }
      if (workload instanceof StatefulSet st) {
        int desired = Objects.requireNonNullElse(st.getSpec().getReplicas(), 1);
        var s = st.getStatus();
        if (s == null) {
          return new Rollout(desired, 0, 0, false);
        }
        int updated = Objects.requireNonNullElse(s.getUpdatedReplicas(), 0);
        boolean done = observed(s.getObservedGeneration(), st) && updated >= desired
            && (s.getUpdateRevision() == null || Objects.equals(s.getUpdateRevision(), s.getCurrentRevision()));
        return new Rollout(desired, updated, Objects.requireNonNullElse(s.getReadyReplicas(), 0), done);
      }
      throw new IllegalArgumentException("not a Deployment or StatefulSet: " + workload.getKind());
    }

    private static boolean observed(Long observedGeneration, HasMetadata workload) {
      Long generation = workload.getMetadata().getGeneration();
      return generation == null || (observedGeneration != null && observedGeneration >= generation);
    }
  }
}
