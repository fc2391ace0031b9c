package io.stickypool.operator.sessions;

import io.stickypool.contract.SessionReport;
import io.stickypool.contract.SessionReportCodec;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import io.stickypool.core.session.RepinReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

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

  /**
   * Sessions {@code keys} of backend {@code to} (already listed by {@link #backend}) were re-pinned
   * there by this proxy away from {@code from}, just now.
   */
  public CannedReport moved(String to, String from, RepinReason reason, long... keys) {
    long now = System.currentTimeMillis();
    SessionReport.Pins pins = new SessionReport.Pins(LongStream.of(keys).map(DistinctSketch::mix).toArray(),
        LongStream.of(keys).map(k -> now).toArray());
    backends.replaceAll(b -> !b.id().value().equals(to) ? b : new SessionReport.Backend(b.id(), b.sessions(),
        b.lastActivity(), b.exact(), b.hll(), java.util.stream.Stream.concat(b.moved().stream(),
            java.util.stream.Stream.of(new SessionReport.Moved(BackendId.of(from), reason, pins))).toList()));
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
