package io.stickypool.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionReportsTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");

  @Test
  void mergesReplicasWithoutCountingASessionTwiceAndKeepsTheLatestActivity() {
    SessionReport a = report("proxy-a", backend("web-0", T, 1, 2, 3), backend("web-1", null));
    SessionReport b = report("proxy-b", backend("web-0", T.plusSeconds(9), 3, 4), backend("web-2", T, 9));

    Map<BackendId, SessionReports.Merged> merged = SessionReports.merge(List.of(a, b));

    assertThat(merged).containsOnlyKeys(BackendId.of("web-0"), BackendId.of("web-1"), BackendId.of("web-2"));
    assertThat(merged.get(BackendId.of("web-0"))).isEqualTo(new SessionReports.Merged(4, T.plusSeconds(9)));
    assertThat(merged.get(BackendId.of("web-1"))).isEqualTo(new SessionReports.Merged(0, null));
    assertThat(merged.get(BackendId.of("web-2"))).isEqualTo(new SessionReports.Merged(1, T));
  }

  private static SessionReport report(String instance, SessionReport.Backend... backends) {
    return new SessionReport(instance, 1, T, List.of(backends));
  }

  private static SessionReport.Backend backend(String id, Instant last, long... keys) {
    DistinctSketch sketch = new DistinctSketch();
    for (long k : keys) {
      sketch.add(k);
    }
    return new SessionReport.Backend(BackendId.of(id), keys.length, last, sketch);
  }
}
