package io.stickypool.operator.sidecar;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.ConditionReasons;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.TargetKind;
import io.stickypool.api.v1alpha1.TargetRef;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.stickypool.operator.apply.TreeSubset;
import io.stickypool.operator.caches.CachePruning;
import io.stickypool.operator.caches.PoolEventSources;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.PoolModel;
import io.stickypool.operator.model.SidecarInjection;
import io.stickypool.operator.model.SidecarModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The reconciler's hands on sidecar targets: reads a target from the cache, injects or removes the
 * sidecar with a plain update. (The pods that run the sidecar come from the pod cache: {@code
 * caches.SidecarPods}.) The decisions are
 * {@link SidecarInjection}'s; this class only adds "is it already so?" so that an unchanged pool
 * writes nothing and rolls nothing.
 *
 * <p>Deciding reads the cache; writing reads the target fresh first (the cache keeps a pruned copy),
 * and the update carries that resourceVersion, so a user's edit in between fails the write (409,
 * retried by JOSDK from the edit) instead of being overwritten. It stays an update
 * rather than a server-side apply: injection rewrites the workload's pod spec as a whole (ports,
 * volumes, an earlier injection taken out), which apply could only express by owning those fields.
 */
public final class SidecarTargets {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** What one reconcile did to the target. */
  public record Outcome(Result result, HasMetadata target, String message) {
    public boolean injected() {
      return result == Result.INJECTED || result == Result.UNCHANGED;
    }
  }

  public enum Result { INJECTED, UNCHANGED, TARGET_NOT_FOUND, TARGET_IN_USE, PORT_CONFLICT }

  private final KubernetesClient client;

  public SidecarTargets(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The target from the cache. The cache keeps a workload's pod template only once it carries a
   * sidecar ({@link CachePruning#workload}): a target still to be injected is read fresh, which a
   * reconcile about to write it can afford.
   */
  public Optional<HasMetadata> get(StickyPool pool, Context<StickyPool> ctx) {
    TargetRef ref = pool.getSpec().getProxy().getTargetRef();
    String ns = pool.getMetadata().getNamespace();
    Class<? extends HasMetadata> type = ref.getKind() == TargetKind.StatefulSet ? StatefulSet.class : Deployment.class;
    Optional<? extends HasMetadata> cached = PoolEventSources.workload(ctx, type, ns, ref.getName());
    if (cached.isPresent() && CachePruning.templatePruned(cached.get())) {
      return Optional.ofNullable(client.resources(type).inNamespace(ns).withName(ref.getName()).get());
    }
    return cached.map(HasMetadata.class::cast);
  }

  /** The account and pod selector the pool's RBAC and admin Service are built from. */
  public static PoolModel.Target describe(HasMetadata target) {
    LabelSelector selector = selector(target);
    return new PoolModel.Target(SidecarInjection.serviceAccount(target),
        selector == null || (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty())
            ? null : selector.getMatchLabels());
  }

  /** Puts {@code sidecar} into the target unless it is there already, or the target is not ours to change. */
  public Outcome inject(StickyPool pool, HasMetadata target, SidecarModel.Sidecar sidecar) {
    String kindName = kindName(target);
    Optional<SidecarInjection.Record> record = SidecarInjection.record(target);
    if (record.isPresent() && !record.get().pool().equals(pool.getMetadata().getName())) {
      return new Outcome(Result.TARGET_IN_USE, target, kindName + " already carries the sidecar of"
          + " StickyPool " + record.get().pool() + "; a workload takes one pool's sidecar");
    }
    List<String> conflicts = SidecarInjection.portConflicts(target, sidecar);
    if (!conflicts.isEmpty()) {
      return new Outcome(Result.PORT_CONFLICT, target, kindName + " already uses a port the sidecar"
          + " needs (" + String.join(", ", conflicts) + "); set spec.proxy.port to a free port");
    }
    PoolIdentity id = PoolIdentity.of(pool);
    if (inPlace(target, id, sidecar)) {
      return new Outcome(Result.UNCHANGED, target, kindName + " carries the current sidecar");
    }
    // Written from a fresh read, never from the cache's copy: that one is pruned (no
    // last-applied-configuration, which an update would strip from the user's workload).
    HasMetadata fresh = client.resource(target).get();
    if (fresh == null) {
      return missing(pool);
    }
    HasMetadata updated = client.resource(SidecarInjection.inject(fresh, id, sidecar)).update();
    return new Outcome(Result.INJECTED, updated, "injected the proxy sidecar into " + kindName
        + (sidecar.nativeSidecar() ? " as a native sidecar" : " as a container"));
  }

  public static Outcome missing(StickyPool pool) {
    TargetRef ref = pool.getSpec().getProxy().getTargetRef();
    return new Outcome(Result.TARGET_NOT_FOUND, null, ref.getKind() + " " + pool.getMetadata().getNamespace()
        + "/" + ref.getName() + " (spec.proxy.targetRef) not found; the sidecar goes in once it exists");
  }

  /**
   * Takes this pool's sidecar out of every workload in the pool's namespace that carries it, except
   * {@code keep}. Lists fresh: it runs on deletion and on mode or target changes, where a workload
   * injected moments ago must not be missed.
   *
   * @return the workloads changed, as Kind/name
   */
  public List<String> removeAll(PoolIdentity pool, Optional<HasMetadata> keep) {
    List<String> removed = new ArrayList<>();
    Stream.concat(
            client.apps().deployments().inNamespace(pool.namespace()).list().getItems().stream(),
            client.apps().statefulSets().inNamespace(pool.namespace()).list().getItems().stream())
        .filter(w -> SidecarInjection.record(w).filter(r -> r.pool().equals(pool.name())).isPresent())
        .filter(w -> keep.map(k -> !sameWorkload(k, w)).orElse(true))
        .forEach(w -> {
          client.resource(SidecarInjection.remove(w)).update();
          removed.add(kindName(w));
        });
    return removed;
  }

  /**
   * True when the target already carries exactly this injection. The container and volumes are
   * compared as subsets ({@link TreeSubset}): the API server fills in defaults such as
   * terminationMessagePath or a probe's timeoutSeconds, which must not look like a change.
   */
  private static boolean inPlace(HasMetadata target, PoolIdentity pool, SidecarModel.Sidecar sidecar) {
    Optional<SidecarInjection.Record> record = SidecarInjection.record(target);
    SidecarInjection.Record want = new SidecarInjection.Record(pool.name(), pool.generation(),
        sidecar.container().getName(), sidecar.volumeNames(), sidecar.nativeSidecar());
    if (record.isEmpty() || !record.get().equals(want)) {
      return false;
    }
    var container = SidecarInjection.container(target, sidecar.nativeSidecar());
    if (container.isEmpty() || differs(sidecar.container(), container.get())) {
      return false;
    }
    return sidecar.volumes().stream().allMatch(v ->
        SidecarInjection.volume(target, v.getName()).filter(have -> !differs(v, have)).isPresent());
  }

  private static boolean differs(Object desired, Object actual) {
    JsonNode want = SERIALIZATION.convertValue(desired, JsonNode.class);
    JsonNode have = SERIALIZATION.convertValue(actual, JsonNode.class);
    return TreeSubset.firstDifference(want, have, "").isPresent();
  }

  private static LabelSelector selector(HasMetadata workload) {
    if (workload instanceof Deployment d) {
      return d.getSpec().getSelector();
    }
    if (workload instanceof StatefulSet s) {
      return s.getSpec().getSelector();
    }
    return null;
  }

  private static boolean sameWorkload(HasMetadata a, HasMetadata b) {
    return a.getKind().equals(b.getKind()) && Objects.equals(a.getMetadata().getName(), b.getMetadata().getName());
  }

  public static String kindName(HasMetadata workload) {
    return workload.getKind() + "/" + workload.getMetadata().getName();
  }

  /** The reason the pool's conditions carry for an outcome that keeps the sidecar out. */
  public static String reason(Result result) {
    return switch (result) {
      case TARGET_NOT_FOUND -> ConditionReasons.TARGET_NOT_FOUND;
      case TARGET_IN_USE -> ConditionReasons.TARGET_IN_USE;
      case PORT_CONFLICT -> ConditionReasons.TARGET_PORT_CONFLICT;
      case INJECTED, UNCHANGED -> ConditionReasons.TARGET_INJECTED;
    };
  }
}
