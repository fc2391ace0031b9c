package io.stickypool.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionReportCodecTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private final SessionReportCodec codec = new SessionReportCodec();

  @Test
  void roundTripsExactAndHllSketches() {
    DistinctSketch few = new DistinctSketch().add(1).add(2).add(3);
    DistinctSketch many = new DistinctSketch();
    for (long k = 0; k < 20_000; k++) {
      many.add(k);
    }
    SessionReport report = new SessionReport("web-proxy-7d9f-abc", 12, NOW, List.of(
        new SessionReport.Backend(BackendId.of("web-0"), 3, NOW.minusSeconds(5), few),
        new SessionReport.Backend(BackendId.of("web-1"), 20_000, null, many)));

    String json = codec.toJson(report);
    SessionReport back = codec.fromJson(json);

    assertThat(json).contains("\"schemaVersion\":1", "\"exact\":[", "\"hll\":{\"precision\":12");
    assertThat(back.instance()).isEqualTo("web-proxy-7d9f-abc");
    assertThat(back.snapshotVersion()).isEqualTo(12);
    assertThat(back.generatedAt()).isEqualTo(NOW);
    assertThat(back.backends()).extracting(b -> b.id().value(), SessionReport.Backend::sessions,
            SessionReport.Backend::lastActivity, b -> b.live().estimate())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("web-0", 3, NOW.minusSeconds(5), 3L),
            org.assertj.core.groups.Tuple.tuple("web-1", 20_000, null, many.estimate()));
    assertThat(back.backends().get(0).live().exactKeys()).containsExactly(few.exactKeys());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "[]                                                              | a JSON object",
      "{\"schemaVersion\":2}                                             | schemaVersion 2",
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
