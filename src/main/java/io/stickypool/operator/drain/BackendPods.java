package io.stickypool.operator.drain;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/**
 * Backend pods as the operator's informer cache holds them ({@link PodEssentials}: metadata, the
 * deletion-cost annotations and the grace period only). Reading one costs no API request.
 */
@FunctionalInterface
public interface BackendPods {
  Optional<Pod> get(String namespace, String name);
}
