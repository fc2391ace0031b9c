package io.stickypool.operator.endpoints;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.EndpointConditions;
import java.util.Objects;

/**
 * One backend endpoint as the EndpointSlices show it now. Immutable.
 *
 * @param port the resolved target port
 * @param zone the endpoint's zone, or null when the slice does not say
 * @param nodeName the node the endpoint runs on, or null when the slice does not say
 */
public record ObservedEndpoint(
    BackendId id,
    String address,
    int port,
    EndpointConditions conditions,
    String zone,
    String nodeName) {

  public ObservedEndpoint {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(conditions, "conditions");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("endpoint " + id + ": port " + port + " is not 1..65535");
    }
  }
}
