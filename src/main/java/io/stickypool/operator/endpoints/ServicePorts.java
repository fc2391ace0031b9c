package io.stickypool.operator.endpoints;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Resolves the port a StickyPool names (a Service port, by name or by number, as Gateway API's
 * backendRef does) to the port its EndpointSlices carry. Slices list the pods' target ports under
 * the Service port's name, so the Service port 80 named {@code http} with target port 8080 is
 * found in the slices as {@code http: 8080}. Looking the number up in the slices directly would
 * dial port 80 on the pods. Pure; no client calls.
 */
public final class ServicePorts {
  private ServicePorts() {}

  /**
   * The slice port for the pool's {@code name} or {@code number} (exactly one is set), or empty
   * when the Service has no such TCP port.
   */
  public static Optional<PortRef> sliceRef(Service service, String name, Integer number) {
    return tcpPorts(service).stream()
        .filter(p -> name != null ? name.equals(p.getName()) : number.equals(p.getPort()))
        .findFirst()
        .map(p -> p.getName() == null || p.getName().isEmpty()
            ? PortRef.unnamed() : PortRef.named(p.getName()));
  }

  /** The Service's TCP ports for a message, e.g. {@code http (80), metrics (9090)}. */
  public static String describe(Service service) {
    List<ServicePort> ports = tcpPorts(service);
    if (ports.isEmpty()) {
      return "no TCP ports";
    }
    return ports.stream()
        .map(p -> (p.getName() == null || p.getName().isEmpty() ? "(unnamed)" : p.getName())
            + " (" + p.getPort() + ")")
        .collect(Collectors.joining(", "));
  }

  private static List<ServicePort> tcpPorts(Service service) {
    if (service.getSpec() == null || service.getSpec().getPorts() == null) {
      return List.of();
    }
    return service.getSpec().getPorts().stream()
        .filter(p -> p.getProtocol() == null || "TCP".equals(p.getProtocol()))
        .filter(p -> p.getPort() != null)
        .toList();
  }
}
