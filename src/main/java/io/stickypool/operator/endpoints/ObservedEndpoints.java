package io.stickypool.operator.endpoints;

import io.stickypool.core.backend.BackendId;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The endpoints of one Service for one port, merged over all its EndpointSlices, with the outcome
 * of resolving the port. Immutable; endpoints are sorted by id and ids are unique, so equal inputs
 * in any slice order give equal values.
 */
public record ObservedEndpoints(PortResolution resolution, List<ObservedEndpoint> endpoints) {
  public ObservedEndpoints {
    Objects.requireNonNull(resolution, "resolution");
    Objects.requireNonNull(endpoints, "endpoints");
    endpoints = endpoints.stream().sorted(Comparator.comparing(ObservedEndpoint::id)).toList();
    for (int i = 1; i < endpoints.size(); i++) {
      if (endpoints.get(i).id().equals(endpoints.get(i - 1).id())) {
        throw new IllegalArgumentException(
            "endpoint id " + endpoints.get(i).id() + " is listed twice");
      }
    }
    if (resolution != PortResolution.RESOLVED && !endpoints.isEmpty()) {
      throw new IllegalArgumentException(resolution + " carries no endpoints");
    }
  }

  public static ObservedEndpoints noEndpoints() {
    return new ObservedEndpoints(PortResolution.NO_ENDPOINTS, List.of());
  }

  public static ObservedEndpoints portNotFound() {
    return new ObservedEndpoints(PortResolution.PORT_NOT_FOUND, List.of());
  }

  public boolean resolved() {
    return resolution == PortResolution.RESOLVED;
  }

  /** The endpoints by id, in id order. */
  public Map<BackendId, ObservedEndpoint> byId() {
    Map<BackendId, ObservedEndpoint> out = new LinkedHashMap<>();
    endpoints.forEach(e -> out.put(e.id(), e));
    return out;
  }
}
