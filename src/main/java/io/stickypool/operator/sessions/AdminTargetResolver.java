package io.stickypool.operator.sessions;

import io.fabric8.kubernetes.api.model.Pod;
import io.stickypool.operator.model.ProxyLayout;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a ready proxy pod answers {@code /sessions/report}. Production dials the pod IP on the
 * admin port; tests, whose pods carry made-up IPs, map pod names to loopback servers instead.
 */
@FunctionalInterface
public interface AdminTargetResolver {
  /** @return the target, or empty when this pod cannot be asked */
  Optional<AdminTarget> resolve(Pod pod);

  /** {@code podIP:9901}. */
  static AdminTargetResolver podIp() {
    return pod -> Optional.of(new AdminTarget(
        pod.getMetadata().getName(), pod.getStatus().getPodIP(), ProxyLayout.ADMIN_PORT));
  }

  /** The targets of the pods that are Ready, have an IP and are not being deleted. */
  static List<AdminTarget> targets(List<Pod> pods, AdminTargetResolver resolver) {
    return pods.stream().filter(AdminTargetResolver::askable)
        .map(resolver::resolve).flatMap(Optional::stream)
        .sorted(java.util.Comparator.comparing(AdminTarget::pod)).toList();
  }

  private static boolean askable(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
      return false;
    }
    String ip = pod.getStatus().getPodIP();
    return ip != null && !ip.isBlank() && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(
            c -> "Ready".equals(c.getType()) && Objects.equals("True", c.getStatus()));
  }
}
