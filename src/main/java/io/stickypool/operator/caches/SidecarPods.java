package io.stickypool.operator.caches;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.stickypool.operator.drain.PodEssentials;
import io.stickypool.operator.model.ProxyDeploymentModel;
import io.stickypool.operator.model.SidecarModel;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Pods that run a pool's sidecar, found in the one pod cache the operator keeps (the backend pods'):
 * a sidecar pod is known by its proxy container, and the pool by the routes ConfigMap that
 * container reads. No label of ours on the user's pods is needed, so an injection adds nothing to
 * the pod template but the sidecar itself, and the pods need no second informer or a LIST per
 * reconcile.
 */
public final class SidecarPods {
  private SidecarPods() {}

  /**
   * The routes ConfigMap this pod's sidecar reads, when it runs one. A pod of a pool's own proxy
   * Deployment runs the same container but is not a sidecar: those have an informer of their own.
   */
  public static Optional<String> routesName(Pod pod) {
    PodSpec spec = pod.getSpec();
    if (spec == null || CachePruning.operatorOwned(pod)) {
      return Optional.empty();
    }
    return Stream.concat(Optional.ofNullable(spec.getInitContainers()).orElse(List.of()).stream(),
            Optional.ofNullable(spec.getContainers()).orElse(List.of()).stream())
        .filter(c -> SidecarModel.CONTAINER.equals(c.getName()))
        .map(c -> ProxyDeploymentModel.routesNameIn(c.getArgs()))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /**
   * What the pod cache keeps: {@link PodEssentials} for every pod, and for a sidecar pod also what a
   * session round needs (the proxy container's name and args, the pod IP, the Ready condition).
   */
  public static Pod essentials(Pod pod) {
    Pod kept = PodEssentials.essentials(pod);
    Optional<String> routes = routesName(pod);
    if (routes.isEmpty()) {
      return kept;
    }
    kept.getSpec().setContainers(List.of(new ContainerBuilder().withName(SidecarModel.CONTAINER)
        .withArgs(ProxyDeploymentModel.args(routes.get())).build()));
    if (pod.getStatus() != null) {
      PodStatus status = new PodStatus();
      status.setPodIP(pod.getStatus().getPodIP());
      status.setConditions(Optional.ofNullable(pod.getStatus().getConditions()).orElse(List.of()).stream()
          .filter(c -> "Ready".equals(c.getType())).toList());
      kept.setStatus(status);
    }
    return kept;
  }
}
