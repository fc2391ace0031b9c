package io.stickypool.operator.sessions;

import io.stickypool.contract.SessionReport;
import io.stickypool.contract.SessionReportCodec;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A proxy's {@code /sessions/report} body built from session keys, as the proxy would write it. */
public final class CannedReport {
  private static final SessionReportCodec CODEC = new SessionReportCodec();
  private final String instance;
  private final List<SessionReport.Backend> backends = new ArrayList<>();

  private CannedReport(String instance) {
    this.instance = instance;
  }

  public static CannedReport of(String instance) {
    return new CannedReport(instance);
  }

  /** Backend {@code id} holding the sessions {@code keys}, last active at {@code last} (may be null). */
  public CannedReport backend(String id, Instant last, long... keys) {
    DistinctSketch sketch = new DistinctSketch();
    for (long k : keys) {
      sketch.add(k);
    }
    backends.add(SessionReport.Backend.of(BackendId.of(id), keys.length, last, sketch));
    return this;
  }

  public String json() {
    return CODEC.toJson(new SessionReport(instance, 1, Instant.parse("2026-11-28T12:00:00Z"), backends));
  }

  /** Keys {@code from} (inclusive) to {@code to} (exclusive). */
  public static long[] keys(int from, int to) {
    return java.util.stream.LongStream.range(from, to).toArray();
  }
}
