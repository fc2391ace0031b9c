package io.stickypool.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import io.stickypool.core.session.RepinReason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionReportCodecTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private final SessionReportCodec codec = new SessionReportCodec();

  @Test
  void roundTripsPinnedSessionsSketchesAndMoves() {
    SessionReport.Pins few = new SessionReport.Pins(new long[] {1, 2, 3}, new long[] {10, 20, 30});
    DistinctSketch many = new DistinctSketch();
    for (long k = 0; k < 20_000; k++) {
      many.add(k);
    }
    SessionReport.Moved moved = new SessionReport.Moved(BackendId.of("web-2"), RepinReason.FAILOVER,
        new SessionReport.Pins(new long[] {3}, new long[] {30}));
    SessionReport report = new SessionReport("web-proxy-7d9f-abc", 12, NOW, List.of(
        new SessionReport.Backend(BackendId.of("web-0"), 3, NOW.minusSeconds(5), few, null, List.of(moved)),
        new SessionReport.Backend(BackendId.of("web-1"), 20_000, null, null, many, List.of())));

    String json = codec.toJson(report);
    SessionReport back = codec.fromJson(json);

    assertThat(json).contains("\"schemaVersion\":2", "\"exact\":[", "\"pinnedAt\":[10,20,30]",
        "\"hll\":{\"precision\":12", "\"moved\":[{\"from\":\"web-2\",\"reason\":\"Failover\"");
    assertThat(back.instance()).isEqualTo("web-proxy-7d9f-abc");
    assertThat(back.snapshotVersion()).isEqualTo(12);
    assertThat(back.generatedAt()).isEqualTo(NOW);
    assertThat(back.backends()).extracting(b -> b.id().value(), SessionReport.Backend::sessions,
            SessionReport.Backend::lastActivity, SessionReport.Backend::distinct)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("web-0", 3, NOW.minusSeconds(5), 3L),
            org.assertj.core.groups.Tuple.tuple("web-1", 20_000, null, many.estimate()));
    assertThat(back.backends().get(0).exact()).isEqualTo(few);
    assertThat(back.backends().get(0).moved()).containsExactly(moved);
    assertThat(back.backends().get(1).moved()).isEmpty();
  }

  @Test
  void readsSchemaOneReportsOfTheReleaseBeforeWithPinTimesUnknown() {
    SessionReport back = codec.fromJson("{\"schemaVersion\":1,\"instance\":\"p\",\"snapshotVersion\":3,"
        + "\"generatedAt\":\"2026-11-28T12:00:00Z\",\"backends\":[{\"id\":\"web-0\",\"sessions\":2,"
        + "\"live\":{\"exact\":[\"0000000000000001\",\"00000000000000ff\"]}}]}");

    assertThat(back.backends().get(0).exact())
        .isEqualTo(new SessionReport.Pins(new long[] {1, 255}, new long[] {0, 0}));
    assertThat(back.backends().get(0).moved()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[]                                                              | a JSON object",
      "{\"schemaVersion\":3}                                             | schemaVersion 3 is not within 1..2",
      "{\"schemaVersion\":2,\"instance\":\"p\",\"snapshotVersion\":1,\"generatedAt\":\"2026-11-28T12:00:00Z\",\"backends\":[{\"id\":\"w\",\"sessions\":1,\"live\":{\"exact\":[\"0000000000000001\"]}}]} | backends[0].live.pinnedAt is missing",
      "{\"schemaVersion\":2,\"instance\":\"p\",\"snapshotVersion\":1,\"generatedAt\":\"2026-11-28T12:00:00Z\",\"backends\":[{\"id\":\"w\",\"sessions\":1,\"live\":{\"exact\":[\"0000000000000001\"],\"pinnedAt\":[]}}]} | backends[0].live.pinnedAt: 0 times for 1 keys",
      "{\"schemaVersion\":2,\"instance\":\"p\",\"snapshotVersion\":1,\"generatedAt\":\"2026-11-28T12:00:00Z\",\"backends\":[{\"id\":\"w\",\"sessions\":1,\"live\":{\"exact\":[],\"pinnedAt\":[]},\"moved\":[{\"from\":\"v\",\"reason\":\"Tired\",\"exact\":[],\"pinnedAt\":[]}]}]} | backends[0].moved[0].reason",
      "{\"schemaVersion\":2,\"instance\":\"p\",\"snapshotVersion\":1,\"generatedAt\":\"2026-11-28T12:00:00Z\",\"backends\":[{\"id\":\"w\",\"sessions\":1,\"live\":{\"exact\":[\"000000000000000g\"],\"pinnedAt\":[1]}}]} | backends[0].live: exact keys are 16 hex digits",
      "{\"schemaVersion\":1,\"instance\":\"p\",\"snapshotVersion\":1}       | generatedAt is missing",
      "{\"schemaVersion\":1,\"instance\":\"p\",\"snapshotVersion\":1,\"generatedAt\":\"noon\",\"backends\":[]} | generatedAt: not an RFC 3339 time",
      "{\"schemaVersion\":1,\"instance\":\"p\",\"snapshotVersion\":1,\"generatedAt\":\"2026-11-28T12:00:00Z\",\"backends\":[{\"id\":\"Web 0\",\"sessions\":1,\"live\":{\"exact\":[]}}]} | backends[0].id",
      "{\"schemaVersion\":1,\"instance\":\"p\",\"snapshotVersion\":1,\"generatedAt\":\"2026-11-28T12:00:00Z\",\"backends\":[{\"id\":\"w\",\"sessions\":1,\"live\":{\"exact\":[\"12\"]}}]} | backends[0].live: exact keys are 16 hex digits",
      "{\"schemaVersion\":1,\"instance\":\"p\",\"snapshotVersion\":1,\"generatedAt\":\"2026-11-28T12:00:00Z\",\"backends\":[{\"id\":\"w\",\"sessions\":1,\"live\":{\"hll\":{\"precision\":12,\"registers\":\"AAAA\"}}}]} | backends[0].live: an HLL sketch has 4096 registers",
      "not json                                                        | not JSON",
  })
  void rejectsMalformedReportsNamingTheField(String json, String message) {
    assertThatThrownBy(() -> codec.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message.trim());
  }
}
