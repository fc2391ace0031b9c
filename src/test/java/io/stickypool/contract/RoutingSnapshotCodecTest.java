package io.stickypool.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.AffinityType;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.testing.Golden;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutingSnapshotCodecTest {
  private final RoutingSnapshotCodec codec = new RoutingSnapshotCodec();

  @Test
  void fillsDefaultsForAbsentFields() throws SnapshotFormatException {
    RoutingSnapshot snapshot =
        codec.fromJson("{\"backends\": [{\"id\": \"a\", \"host\": \"h\", \"port\": 80}]}");

    assertThat(snapshot).isEqualTo(new RoutingSnapshot(
        0, AffinitySettings.cookie(CookieSettings.defaults()), PlacementSettings.defaults(),
        List.of(Backend.active(BackendId.of("a"), "h", 80))));
  }

  @Test
  void defaultsEachCookieFieldSeparately() throws SnapshotFormatException {
    RoutingSnapshot snapshot = codec.fromJson(
        "{\"affinity\": {\"cookie\": {\"name\": \"route\", \"domain\": null}}, \"backends\": []}");

    assertThat(snapshot.affinity().cookie()).isEqualTo(CookieSettings.named("route"));
  }

  @Test
  void writesTheSameTextWhateverOrderBackendsCameIn() {
    Backend a = Backend.active(BackendId.of("a"), "10.0.0.1", 80);
    Backend b = Backend.active(BackendId.of("b"), "10.0.0.2", 80);
    AffinitySettings affinity = AffinitySettings.header("X-Session");

    String forward = codec.toJson(
        new RoutingSnapshot(1, affinity, PlacementSettings.defaults(), List.of(a, b)));
    String backward = codec.toJson(
        new RoutingSnapshot(1, affinity, PlacementSettings.defaults(), List.of(b, a)));

    assertThat(forward).isEqualTo(backward).endsWith("}\n").doesNotContain("\r", "null");
  }

  @Test
  void readsYamlOfTheSameShape() throws SnapshotFormatException {
    String yaml = """
        schemaVersion: 1
        version: 42
        affinity:
          type: Cookie
          cookie:
            name: sp-route
            path: /app
            domain: shop.example.com
            lifetimeType: Permanent
            absoluteTimeout: 8h
            idleTimeout: 90m
            secure: true
            sameSite: Strict
        backends:
          - {id: web-2, host: 10.0.0.12, port: 8080}
          - {id: web-0, host: 10.0.0.10, port: 8080, weight: 2}
          - id: web-1
            host: 10.0.0.11
            port: 8080
            state: Draining
            drainDeadline: 2025-06-01T14:05:00+02:00
          - id: web-3
            host: 10.0.0.13
            port: 8080
            state: Drained
            drainDeadline: "2025-06-01T12:05:00Z"
        """;

    assertThat(codec.fromYaml(yaml))
        .isEqualTo(codec.fromJson(Golden.read("snapshot/cookie-draining.json")));
  }

  @Test
  void leavesForeignTopLevelFieldsToTheirOwnReader() throws SnapshotFormatException {
    SourceTree document = SourceTree.parseYaml("""
        listener: {port: 8080}
        affinity: {type: ClientIP}
        backends: []
        """);

    RoutingSnapshot snapshot = codec.fromTree(document, Set.of("listener"));

    assertThat(snapshot.affinity().type()).isEqualTo(AffinityType.CLIENT_IP);
    assertThat(document.positionOf("listener.port")).hasValue(new SourceTree.Position(1, 18));
    assertThatThrownBy(() -> codec.fromTree(document, Set.of()))
        .hasMessage("listener: unknown field; expected one of schemaVersion, version, affinity,"
            + " placement, backends (line 1, column 11)");
  }

  @Test
  void readsBackATreeItWrote() throws SnapshotFormatException {
    RoutingSnapshot snapshot = new RoutingSnapshot(
        5, AffinitySettings.clientIp(List.of("192.168.0.0/16")), new PlacementSettings(2),
        List.of(new Backend(BackendId.of("x"), "x.svc", 9000, 1000, BackendState.DRAINING,
            Instant.parse("2030-01-01T00:00:00.250Z"))));

    assertThat(codec.fromTree(codec.toTree(snapshot))).isEqualTo(snapshot);
  }

  @Test
  void keepsSettingsThatTheActiveModeIgnores() throws SnapshotFormatException {
    CookieSettings cookie = new CookieSettings(CookieSettings.DEFAULT_NAME, "/", null,
        CookieSettings.defaults().lifetime(), Duration.ofHours(1), Duration.ofMinutes(5), false,
        true, CookieSettings.defaults().sameSite());
    RoutingSnapshot snapshot = new RoutingSnapshot(1,
        new AffinitySettings(AffinityType.HEADER, cookie, "X-Session", List.of("10.0.0.0/8")),
        PlacementSettings.defaults(), List.of());

    String json = codec.toJson(snapshot);

    assertThat(json).contains("\"cookie\"", "\"clientIP\"");
    assertThat(codec.fromJson(json)).isEqualTo(snapshot);
  }

  @Test
  void omitsUnionMembersOfOtherModesWhenTheyHoldDefaults() {
    String json = codec.toJson(new RoutingSnapshot(1, AffinitySettings.header("X-Session"),
        PlacementSettings.defaults(), List.of()));

    assertThat(json).doesNotContain("\"cookie\"", "\"clientIP\"", "\"appCookie\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "10.0.0.0/8", "0.0.0.0/0", "10.1.2.3/32", "::/0", "fd00::/8", "2001:db8::1/128",
      "::ffff:10.0.0.0/104", "1:2:3:4:5:6:7:8/64", "fe80::/10"})
  void acceptsCidrBlocksAsTrustedProxies(String cidr) throws SnapshotFormatException {
    assertThat(codec.fromJson(clientIp(cidr)).affinity().trustedProxies()).containsExactly(cidr);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "10.0.0.1", "10.0.0/8", "256.0.0.0/8", "10.0.0.0/33", "01.0.0.0/8", "10.0.0.0/",
      "fd00::/129", "1::2::3/64", "1:2:3:4:5:6:7:8:9/64", "1.2.3.4::/64", "example.com/8",
      "gg::/8", "/8", ""})
  void refusesTrustedProxiesThatAreNotCidrBlocks(String cidr) {
    assertThatThrownBy(() -> codec.fromJson(clientIp(cidr)))
        .hasMessageStartingWith("affinity.clientIP.trustedProxies[0]: ");
  }

  private static String clientIp(String cidr) {
    return "{\"affinity\": {\"type\": \"ClientIP\", \"clientIP\": {\"trustedProxies\": [\""
        + cidr + "\"]}}, \"backends\": []}";
  }
}
