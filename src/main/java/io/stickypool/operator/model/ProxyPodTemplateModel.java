package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.stickypool.api.v1alpha1.ProxyPodSecurityContext;
import io.stickypool.api.v1alpha1.ProxyPodTemplate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the proxy pods run and what they carry besides the operator's container: the default
 * spread over nodes and zones, and spec.proxy.podTemplate. Applied to the pod template {@link
 * ProxyDeploymentModel} built, so that model keeps to the container.
 *
 * <p>Nodes by a topologySpreadConstraint, zones by a preferred podAntiAffinity, both preferences:
 * kube-scheduler scores a pod's spread constraints only on nodes that carry every one of their
 * topology keys (PodTopologySpread ignores the others when the pod sets constraints), so a zone
 * constraint on a cluster without zone labels (kind, bare metal, KWOK) would switch off the node
 * spread too; pod anti-affinity simply counts nothing where a node has no zone.
 *
 * <p>The default spread has no {@code matchLabelKeys: [pod-template-hash]}: that field is beta
 * from Kubernetes 1.27 and dropped by older API servers (the chart supports 1.25), which would
 * show as drift on every reconcile. Without it a rollout counts old and new pods together for a
 * while; the constraints are preferences (ScheduleAnyway), so that only weakens a preference
 * during the rollout.
 */
public final class ProxyPodTemplateModel {
  static final String HOSTNAME = "kubernetes.io/hostname";
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String SCHEDULE_ANYWAY = "ScheduleAnyway";

  private ProxyPodTemplateModel() {}

  /** @param template the pod template to complete, changed in place; user null means defaults only */
  public static void apply(PoolIdentity pool, ProxyPodTemplate user, PodTemplateSpec template) {
    ProxyPodTemplate t = user == null ? new ProxyPodTemplate() : user;
    Map<String, String> labels = new LinkedHashMap<>(t.getLabels() == null ? Map.of() : t.getLabels());
    labels.putAll(pool.labels()); // the operator's selector labels always win (the CRD refuses them too)
    template.getMetadata().setLabels(labels);
    template.getMetadata().setAnnotations(emptyToNull(t.getAnnotations()));
    PodSpec pod = template.getSpec();
    pod.setNodeSelector(emptyToNull(t.getNodeSelector()));
    pod.setTolerations(t.getTolerations());
    pod.setAffinity(t.getAffinity() != null ? t.getAffinity() : preferOtherZones(pool));
    pod.setPriorityClassName(t.getPriorityClassName());
    pod.setImagePullSecrets(t.getImagePullSecrets());
    pod.setTopologySpreadConstraints(spread(pool, t.getTopologySpreadConstraints()));
    securityContext(t.getSecurityContext(), pod);
  }

  /** The user's constraints (a missing labelSelector selects the pool's proxies), else the default. */
  static List<TopologySpreadConstraint> spread(PoolIdentity pool, List<TopologySpreadConstraint> user) {
    if (user == null) {
      return List.of(preferSpread(pool, HOSTNAME));
    }
    return user.isEmpty() ? null : user.stream().map(c -> c.getLabelSelector() != null ? c
        : new TopologySpreadConstraintBuilder(c).withNewLabelSelector()
            .withMatchLabels(pool.selectorLabels()).endLabelSelector().build()).toList();
  }

  /** Each proxy pod in a zone makes that zone less preferred for the next one. */
  static Affinity preferOtherZones(PoolIdentity pool) {
    return new AffinityBuilder()
        .withNewPodAntiAffinity()
            .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(100)
                .withNewPodAffinityTerm()
                    .withTopologyKey(ZONE)
                    .withNewLabelSelector().withMatchLabels(pool.selectorLabels()).endLabelSelector()
                .endPodAffinityTerm()
            .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .build();
  }

  private static TopologySpreadConstraint preferSpread(PoolIdentity pool, String topologyKey) {
    return new TopologySpreadConstraintBuilder()
        .withMaxSkew(1)
        .withTopologyKey(topologyKey)
        .withWhenUnsatisfiable(SCHEDULE_ANYWAY)
        .withNewLabelSelector().withMatchLabels(pool.selectorLabels()).endLabelSelector()
        .build();
  }

  /**
   * The pod-level securityContext from the user's, with runAsNonRoot always true. A runAsUser or
   * seccompProfile set here replaces the container's default (10001, RuntimeDefault), which would
   * otherwise win over the pod's; the container's other settings stay as they are.
   */
  static void securityContext(ProxyPodSecurityContext user, PodSpec pod) {
    if (user == null) {
      pod.setSecurityContext(null);
      return;
    }
    PodSecurityContext context = new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(user.getRunAsUser())
        .withRunAsGroup(user.getRunAsGroup())
        .withFsGroup(user.getFsGroup())
        .withSupplementalGroups(user.getSupplementalGroups())
        .withSeccompProfile(user.getSeccompProfile())
        .build();
    pod.setSecurityContext(context);
    for (Container c : pod.getContainers()) {
      if (user.getRunAsUser() != null) {
        c.getSecurityContext().setRunAsUser(null);
      }
      if (user.getSeccompProfile() != null) {
        c.getSecurityContext().setSeccompProfile(null);
      }
    }
  }

  private static <K, V> Map<K, V> emptyToNull(Map<K, V> map) {
    return map == null || map.isEmpty() ? null : map;
  }
}
