package io.stickypool.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieLifetime;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.core.snapshot.SameSite;
import io.stickypool.testing.Golden;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Representative snapshots against golden JSON; update with -Dgolden.update=true. */
class RoutingSnapshotGoldenTest {
  private static final Instant DEADLINE = Instant.parse("2025-06-01T12:05:00Z");

  private final RoutingSnapshotCodec codec = new RoutingSnapshotCodec();

  static Stream<Arguments> snapshots() {
    return Stream.of(
        Arguments.of("cookie-draining.json", cookieWithDrainingBackend()),
        Arguments.of("header.json", new RoutingSnapshot(
            7, AffinitySettings.header("X-Session-Id"), PlacementSettings.defaults(),
            List.of(backend("web-1", "10.0.0.11"), backend("web-0", "10.0.0.10")))),
        Arguments.of("client-ip.json", new RoutingSnapshot(
            12, AffinitySettings.clientIp(List.of("10.0.0.0/8", "fd00::/8")),
            new PlacementSettings(1.5),
            List.of(backend("api-0", "10.0.1.10"), backend("api-1", "10.0.1.11")))),
        Arguments.of("app-cookie.json", new RoutingSnapshot(
            3, AffinitySettings.appCookie("JSESSIONID"), PlacementSettings.defaults(),
            List.of(
                backend("shop-0", "10.0.2.10"),
                backend("shop-1", "10.0.2.11").withState(BackendState.UNAVAILABLE, null)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("snapshots")
  void writesTheGoldenJson(String file, RoutingSnapshot snapshot) {
    Golden.assertMatches("snapshot/" + file, codec.toJson(snapshot));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("snapshots")
  void readsTheGoldenJsonBackToAnEqualSnapshot(String file, RoutingSnapshot snapshot)
      throws SnapshotFormatException {
    assertThat(codec.fromJson(Golden.read("snapshot/" + file))).isEqualTo(snapshot);
  }

  private static RoutingSnapshot cookieWithDrainingBackend() {
    CookieSettings cookie = new CookieSettings(
        "sp-route", "/app", "shop.example.com", CookieLifetime.PERMANENT, Duration.ofHours(8),
        Duration.ofMinutes(90), true, true, SameSite.STRICT);
    return new RoutingSnapshot(
        42, AffinitySettings.cookie(cookie), PlacementSettings.defaults(),
        List.of(
            backend("web-2", "10.0.0.12"),
            new Backend(BackendId.of("web-0"), "10.0.0.10", 8080, 2, BackendState.ACTIVE, null),
            backend("web-1", "10.0.0.11").withState(BackendState.DRAINING, DEADLINE),
            backend("web-3", "10.0.0.13").withState(BackendState.DRAINED, DEADLINE)));
  }

  private static Backend backend(String id, String host) {
    return Backend.active(BackendId.of(id), host, 8080);
  }
}
