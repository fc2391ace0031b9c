package io.stickypool.operator.endpoints;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stickypool.api.v1alpha1.BackendPort;
import java.util.Collection;
import java.util.Optional;

/**
 * The pool's backend as observed: the Service's port resolved (by {@link ServicePorts}) and looked
 * up in the Service's EndpointSlices (by {@link EndpointSliceMapper}). Pure.
 */
public final class BackendResolver {
  /**
   * @param portProblem what to tell the user when the port did not resolve: which port, and what
   *     the Service offers instead
   */
  public record Resolved(ObservedEndpoints endpoints, String portProblem) {}

  private BackendResolver() {}

  public static Resolved resolve(
      Service service, Collection<EndpointSlice> slices, BackendPort wanted) {
    String svc = service.getMetadata().getName();
    String asked = wanted.getName() != null ? "named " + wanted.getName() : "" + wanted.getNumber();
    Optional<PortRef> port = ServicePorts.sliceRef(service, wanted.getName(), wanted.getNumber());
    if (port.isEmpty()) {
      return new Resolved(ObservedEndpoints.portNotFound(), "Service " + svc
          + " has no TCP port " + asked + " (it has " + ServicePorts.describe(service) + ")");
    }
    return new Resolved(EndpointSliceMapper.map(svc, slices, port.get()),
        "port " + asked + " of Service " + svc + " is on none of its EndpointSlices");
  }
}
