package io.stickypool.operator.endpoints;

import static io.stickypool.operator.endpoints.Slices.bareAddress;
import static io.stickypool.operator.endpoints.Slices.http;
import static io.stickypool.operator.endpoints.Slices.pod;
import static io.stickypool.operator.endpoints.Slices.port;
import static io.stickypool.operator.endpoints.Slices.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.drain.EndpointConditions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EndpointSliceMapperTest {
  private static final PortRef HTTP = PortRef.named("http");

  private static ObservedEndpoints map(PortRef port, EndpointSlice... slices) {
    return EndpointSliceMapper.map(Slices.SERVICE, List.of(slices), port);
  }

  private static Map<String, Integer> portsById(ObservedEndpoints observed) {
    Map<String, Integer> out = new TreeMap<>();
    observed.endpoints().forEach(e -> out.put(e.id().value(), e.port()));
    return out;
  }

  @Test
  void mapsReadyEndpointsOfOneSliceSortedByPodName() {
    ObservedEndpoints observed =
        map(HTTP,
            slice("web-abc", http(8080), pod("web-1", "10.0.0.11"), pod("web-0", "10.0.0.10")));

    assertThat(observed.resolution()).isEqualTo(PortResolution.RESOLVED);
    assertThat(observed.endpoints())
        .containsExactly(
            new ObservedEndpoint(BackendId.of("web-0"), "10.0.0.10", 8080,
                EndpointConditions.READY, "zone-a", "node-1"),
            new ObservedEndpoint(BackendId.of("web-1"), "10.0.0.11", 8080,
                EndpointConditions.READY, "zone-a", "node-1"));
  }

  @Test
  void mergesAllSlicesOfTheService() {
    ObservedEndpoints observed = map(HTTP,
        slice("web-abc", http(8080), pod("web-0", "10.0.0.10")),
        slice("web-def", http(8080), pod("web-1", "10.0.0.11"), pod("web-2", "10.0.0.12")));

    assertThat(portsById(observed)).containsOnlyKeys("web-0", "web-1", "web-2");
  }

  @Test
  void ignoresSlicesOfOtherServicesAndFqdnSlices() {
    ObservedEndpoints observed = map(HTTP,
        slice("api-abc", "api", "IPv4", http(8080), pod("api-0", "10.0.1.10")),
        slice("web-fqdn", Slices.SERVICE, "FQDN", http(8080), bareAddress("web.example.com")));

    assertThat(observed).isEqualTo(ObservedEndpoints.noEndpoints());
  }

  @Test
  void reportsNoEndpointsWhenTheServiceHasNoSlices() {
    assertThat(map(HTTP).resolution()).isEqualTo(PortResolution.NO_ENDPOINTS);
  }

  @Test
  void readsAnEmptyPlaceholderSliceAsScaledToZero() {
    ObservedEndpoints observed = map(HTTP, slice("web-abc", List.of()));

    assertThat(observed.resolution()).isEqualTo(PortResolution.RESOLVED);
    assertThat(observed.endpoints()).isEmpty();
  }

  static Stream<Arguments> portResolution() {
    List<EndpointPort> httpAndMetrics = List.of(port("http", 8080), port("metrics", 9090));
    return Stream.of(
        Arguments.of("name found", httpAndMetrics, http(8081), HTTP,
            PortResolution.RESOLVED, Map.of("web-0", 8080, "web-1", 8081)),
        Arguments.of("other name", httpAndMetrics, http(8081), PortRef.named("metrics"),
            PortResolution.RESOLVED, Map.of("web-0", 9090)),
        Arguments.of("number used as is", httpAndMetrics, List.of(), PortRef.number(7000),
            PortResolution.RESOLVED, Map.of("web-0", 7000, "web-1", 7000)),
        Arguments.of("name in no slice", httpAndMetrics, http(8081), PortRef.named("grpc"),
            PortResolution.PORT_NOT_FOUND, Map.of()),
        Arguments.of("name on UDP only", List.of(port("http", 8080, "UDP")), List.of(), HTTP,
            PortResolution.PORT_NOT_FOUND, Map.of()),
        Arguments.of("slices without ports", List.of(), List.of(), HTTP,
            PortResolution.PORT_NOT_FOUND, Map.of()));
  }

  /** Slice A holds web-0, slice B holds web-1: a rolling update may give them different ports. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("portResolution")
  void resolvesThePortPerSlice(
      String row, List<EndpointPort> portsA, List<EndpointPort> portsB, PortRef ref,
      PortResolution expected, Map<String, Integer> expectedPorts) {
    ObservedEndpoints observed = map(ref,
        slice("web-a", portsA, pod("web-0", "10.0.0.10")),
        slice("web-b", portsB, pod("web-1", "10.0.0.11")));

    assertThat(observed.resolution()).isEqualTo(expected);
    assertThat(portsById(observed)).isEqualTo(expectedPorts);
  }

  @Test
  void namesEndpointsWithoutTargetRefByAddress() {
    ObservedEndpoints v4 = map(HTTP, slice("web-a", http(80), bareAddress("10.0.0.9")));
    ObservedEndpoints v6 = map(HTTP,
        slice("web-b", Slices.SERVICE, "IPv6", http(80), bareAddress("fd00::1")));

    assertThat(v4.endpoints()).singleElement()
        .satisfies(e -> assertThat(e.id()).isEqualTo(BackendId.of("ip-10-0-0-9")))
        .satisfies(e -> assertThat(e.conditions()).isEqualTo(EndpointConditions.READY));
    assertThat(v6.endpoints()).singleElement()
        .satisfies(e -> assertThat(e.id()).isEqualTo(BackendId.of("ip-fd00--1")))
        .satisfies(e -> assertThat(e.address()).isEqualTo("fd00::1"));
  }

  @Test
  void readsUnsetConditionsWithKubernetesDefaults() {
    ObservedEndpoints observed =
        map(HTTP, slice("web-a", http(80), pod("web-0", "10.0.0.10", null, null, null)));

    assertThat(observed.endpoints().get(0).conditions()).isEqualTo(EndpointConditions.READY);
  }

  @Test
  void keepsTheReadyCopyOfAnEndpointListedTwiceWhateverTheSliceOrder() {
    EndpointSlice stale =
        slice("web-a", http(8080), pod("web-0", "10.0.0.10", false, false, false));
    EndpointSlice fresh = slice("web-b", http(8080), pod("web-0", "10.0.0.10"));

    ObservedEndpoints oneOrder = map(HTTP, stale, fresh);
    ObservedEndpoints otherOrder = map(HTTP, fresh, stale);

    assertThat(oneOrder).isEqualTo(otherOrder);
    assertThat(oneOrder.endpoints()).singleElement()
        .satisfies(e -> assertThat(e.conditions()).isEqualTo(EndpointConditions.READY));
  }

  @Test
  void prefersTheIpv4CopyOfADualStackPod() {
    EndpointSlice v6 = slice("web-6", Slices.SERVICE, "IPv6", http(8080), pod("web-0", "fd00::a"));
    EndpointSlice v4 = slice("web-4", http(8080), pod("web-0", "10.0.0.10"));

    assertThat(map(HTTP, v6, v4).endpoints()).singleElement()
        .satisfies(e -> assertThat(e.address()).isEqualTo("10.0.0.10"));
  }

  @Test
  void refusesAPortReferenceThatIsNeitherNameNorValidNumber() {
    assertThatThrownBy(() -> PortRef.named(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PortRef.number(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
