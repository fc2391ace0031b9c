package io.stickypool.operator.endpoints;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.EndpointConditions;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns the EndpointSlices of one Service into the endpoints the drain state machine and the
 * routing snapshot work on. A pure function: no client calls, no clock, no state.
 *
 * <ul>
 *   <li>Only slices labelled {@value #SERVICE_NAME_LABEL} = the Service's name count, so a caller
 *       may pass a whole namespace's slice cache. FQDN slices are skipped: the proxy dials
 *       addresses.
 *   <li>Identity is the {@code targetRef} Pod name (stable across IP changes and unique in the
 *       namespace); without one, {@code ip-} plus the address with {@code .} and {@code :} as
 *       {@code -}. Only an endpoint's first address is used: Kubernetes defines them as fungible.
 *   <li>A named port is looked up in each slice (TCP only, since the proxy speaks HTTP); a slice
 *       without it contributes nothing. A numbered port is used as is.
 *   <li>An endpoint listed in several slices (a move between slices, or dual-stack) is kept once,
 *       chosen by {@link #PREFERENCE} so that the result does not depend on slice order.
 * </ul>
 *
 * <p>Outcomes: no IP slice at all is {@link PortResolution#NO_ENDPOINTS}. Slices that exist but
 * have no endpoints (the controller's placeholder after a scale to zero) resolve to an empty list,
 * because that is a real observation. Slices with endpoints of which none has the named port are
 * {@link PortResolution#PORT_NOT_FOUND}. What to do about the last two outcomes is the caller's
 * call; {@link SnapshotBuilder} keeps the last good backends.
 */
public final class EndpointSliceMapper {
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private static final Set<String> IP_ADDRESS_TYPES = Set.of("IPv4", "IPv6");

  /** Best first: ready, serving, not terminating, IPv4, then plain value order as a tiebreak. */
  static final Comparator<ObservedEndpoint> PREFERENCE =
      Comparator.comparing((ObservedEndpoint e) -> !e.conditions().ready())
          .thenComparing(e -> !e.conditions().serving())
          .thenComparing(e -> e.conditions().terminating())
          .thenComparing(e -> e.address().contains(":"))
          .thenComparing(ObservedEndpoint::address)
          .thenComparingInt(ObservedEndpoint::port)
          .thenComparing(ObservedEndpoint::zone, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(
              ObservedEndpoint::nodeName, Comparator.nullsFirst(Comparator.naturalOrder()));

  private EndpointSliceMapper() {}

  public static ObservedEndpoints map(
      String serviceName, Collection<EndpointSlice> slices, PortRef port) {
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(port, "port");
    List<EndpointSlice> ipSlices =
        slices.stream()
            .filter(s -> belongsTo(s, serviceName))
            .filter(EndpointSliceMapper::isIp)
            .toList();
    if (ipSlices.isEmpty()) {
      return ObservedEndpoints.noEndpoints();
    }
    Map<BackendId, ObservedEndpoint> merged = new HashMap<>();
    boolean anyEndpoints = false;
    boolean anyResolved = false;
    for (EndpointSlice slice : ipSlices) {
      List<Endpoint> endpoints = orEmpty(slice.getEndpoints());
      OptionalInt resolved = resolvePort(slice, port);
      anyEndpoints |= !endpoints.isEmpty();
      anyResolved |= !endpoints.isEmpty() && resolved.isPresent();
      if (resolved.isPresent()) {
        for (Endpoint endpoint : endpoints) {
          ObservedEndpoint observed = observe(endpoint, resolved.getAsInt());
          if (observed != null) {
            merged.merge(observed.id(), observed, EndpointSliceMapper::preferred);
          }
        }
      }
    }
    if (anyEndpoints && !anyResolved) {
      return ObservedEndpoints.portNotFound();
    }
    return new ObservedEndpoints(PortResolution.RESOLVED, List.copyOf(merged.values()));
  }

  /** The id an endpoint gets; see the class comment. */
  static BackendId idFor(ObjectReference targetRef, String address) {
    if (targetRef != null && "Pod".equals(targetRef.getKind()) && targetRef.getName() != null) {
      try {
        return BackendId.of(targetRef.getName());
      } catch (IllegalArgumentException notAnId) {
        // Pod names are DNS subdomains and always valid; fall through rather than fail the sync.
      }
    }
    return BackendId.of("ip-" + address.replace('.', '-').replace(':', '-'));
  }

  private static boolean belongsTo(EndpointSlice slice, String serviceName) {
    Map<String, String> labels =
        slice.getMetadata() == null ? null : slice.getMetadata().getLabels();
    return labels != null && serviceName.equals(labels.get(SERVICE_NAME_LABEL));
  }

  private static boolean isIp(EndpointSlice slice) {
    return slice.getAddressType() != null && IP_ADDRESS_TYPES.contains(slice.getAddressType());
  }

  private static OptionalInt resolvePort(EndpointSlice slice, PortRef port) {
    if (!port.isNamed()) {
      return OptionalInt.of(port.number());
    }
    for (EndpointPort candidate : orEmpty(slice.getPorts())) {
      boolean tcp = candidate.getProtocol() == null || "TCP".equals(candidate.getProtocol());
      String name = candidate.getName() == null ? "" : candidate.getName();
      if (port.name().equals(name) && tcp && candidate.getPort() != null) {
        return OptionalInt.of(candidate.getPort());
      }
    }
    return OptionalInt.empty();
  }

  /** The endpoint as observed, or null when it has no address to dial. */
  private static ObservedEndpoint observe(Endpoint endpoint, int port) {
    List<String> addresses = orEmpty(endpoint.getAddresses());
    if (addresses.isEmpty() || addresses.get(0) == null || addresses.get(0).isBlank()) {
      return null;
    }
    String address = addresses.get(0);
    var k8s = endpoint.getConditions();
    EndpointConditions conditions =
        k8s == null
            ? EndpointConditions.fromKubernetes(null, null, null)
            : EndpointConditions.fromKubernetes(
                k8s.getReady(), k8s.getServing(), k8s.getTerminating());
    return new ObservedEndpoint(
        idFor(endpoint.getTargetRef(), address),
        address,
        port,
        conditions,
        endpoint.getZone(),
        endpoint.getNodeName());
  }

  private static ObservedEndpoint preferred(ObservedEndpoint a, ObservedEndpoint b) {
    return PREFERENCE.compare(a, b) <= 0 ? a : b;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
