package io.stickypool.operator.endpoints;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;

/** Small EndpointSlice fixtures for the endpoint sync tests: Service "web" in namespace "shop". */
final class Slices {
  static final String SERVICE = "web";

  private Slices() {}

  static EndpointSlice slice(String name, List<EndpointPort> ports, Endpoint... endpoints) {
    return slice(name, SERVICE, "IPv4", ports, endpoints);
  }

  static EndpointSlice slice(
      String name, String service, String addressType, List<EndpointPort> ports,
      Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .addToLabels(EndpointSliceMapper.SERVICE_NAME_LABEL, service)
        .endMetadata()
        .withAddressType(addressType)
        .withPorts(ports)
        .withEndpoints(endpoints)
        .build();
  }

  static EndpointPort port(String name, int number) {
    return new EndpointPortBuilder().withName(name).withPort(number).withProtocol("TCP").build();
  }

  static EndpointPort port(String name, int number, String protocol) {
    return new EndpointPortBuilder().withName(name).withPort(number).withProtocol(protocol).build();
  }

  static List<EndpointPort> http(int number) {
    return List.of(port("http", number));
  }

  /** A ready pod endpoint. */
  static Endpoint pod(String podName, String ip) {
    return pod(podName, ip, true, true, false);
  }

  static Endpoint pod(
      String podName, String ip, Boolean ready, Boolean serving, Boolean terminating) {
    return new EndpointBuilder()
        .withAddresses(ip)
        .withNewConditions()
        .withReady(ready)
        .withServing(serving)
        .withTerminating(terminating)
        .endConditions()
        .withNewTargetRef()
        .withKind("Pod")
        .withNamespace("shop")
        .withName(podName)
        .endTargetRef()
        .withZone("zone-a")
        .withNodeName("node-1")
        .build();
  }

  /** A terminating pod that still passes its readiness probe: what a scale-down looks like. */
  static Endpoint terminating(String podName, String ip) {
    return pod(podName, ip, false, true, true);
  }

  static Endpoint bareAddress(String ip) {
    return new EndpointBuilder().withAddresses(ip).build();
  }
}
