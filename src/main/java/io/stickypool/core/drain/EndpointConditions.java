package io.stickypool.core.drain;

/**
 * An EndpointSlice endpoint's conditions with Kubernetes defaults already applied.
 *
 * <p>Kubernetes defines {@code ready} as {@code serving && !terminating} for most endpoints, so a
 * terminating endpoint normally reports ready=false; {@code serving} says whether it would still
 * pass its readiness probe. Immutable.
 */
public record EndpointConditions(boolean ready, boolean serving, boolean terminating) {
  public static final EndpointConditions READY = new EndpointConditions(true, true, false);

  /**
   * Reads conditions as the API gives them, where a null (unset) condition means: ready and serving
   * true, terminating false.
   */
  public static EndpointConditions fromKubernetes(
      Boolean ready, Boolean serving, Boolean terminating) {
    return new EndpointConditions(
        ready == null || ready, serving == null || serving, terminating != null && terminating);
  }
}
