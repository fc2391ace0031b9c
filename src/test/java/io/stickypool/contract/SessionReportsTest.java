package io.stickypool.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import io.stickypool.core.session.RepinReason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SessionReportsTest {
  private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
  private static final long T0 = T.toEpochMilli();
  private static final BackendId WEB_0 = BackendId.of("web-0");
  private static final BackendId WEB_1 = BackendId.of("web-1");
  private static final BackendId WEB_2 = BackendId.of("web-2");

  @Test
  void mergesReplicasWithoutCountingASessionTwiceAndKeepsTheLatestActivity() {
    SessionReport a = report("proxy-a", backend("web-0", T, 1, 2, 3), backend("web-1", null));
    SessionReport b = report("proxy-b", backend("web-0", T.plusSeconds(9), 3, 4), backend("web-2", T, 9));

    Map<BackendId, SessionReports.Merged> merged = SessionReports.merge(List.of(a, b));

    assertThat(merged).containsOnlyKeys(WEB_0, WEB_1, WEB_2);
    assertThat(merged.get(WEB_0)).isEqualTo(new SessionReports.Merged(4, T.plusSeconds(9)));
    assertThat(merged.get(WEB_1)).isEqualTo(new SessionReports.Merged(0, null));
    assertThat(merged.get(WEB_2)).isEqualTo(new SessionReports.Merged(1, T));
  }

  @Test
  void aSessionReplicasListOnTwoBackendsCountsOnceOnItsLatestPin() {
    // proxy-a has not seen session 1 since proxy-b re-pinned it from web-0 to web-1.
    SessionReport a = report("proxy-a", pinned("web-0", T0, 1, 2));
    SessionReport b = report("proxy-b", pinned("web-0", T0, 2),
        withMoved(pinned("web-1", T0 + 500, 1), moved("web-0", RepinReason.DRAINED, T0 + 500, 1)));

    SessionReports.Result r = SessionReports.mergeAll(List.of(a, b));

    assertThat(r.perBackend().get(WEB_0).sessions()).as("session 2 only: 1 moved").isEqualTo(1);
    assertThat(r.perBackend().get(WEB_1).sessions()).isEqualTo(1);
    assertThat(r.movedFrom()).containsOnlyKeys(WEB_0);
    assertThat(r.movedFrom().get(WEB_0)).containsOnly(
        Map.entry(DistinctSketch.mix(1), new SessionReports.Move(WEB_1, RepinReason.DRAINED, T0 + 500)));
  }

  @Test
  void aReplicaThatFollowedTheMoveWithoutMakingItStillCountsOnce() {
    // proxy-b re-pinned session 1; proxy-a then saw the new cookie and moved its own entry.
    SessionReport a = report("proxy-a", pinned("web-0", T0, 2), pinned("web-1", T0 + 900, 1));
    SessionReport b = report("proxy-b",
        withMoved(pinned("web-1", T0 + 500, 1), moved("web-0", RepinReason.FAILOVER, T0 + 500, 1)));
    SessionReport c = report("proxy-c", pinned("web-0", T0, 1));

    Map<BackendId, SessionReports.Merged> merged = SessionReports.merge(List.of(a, b, c));

    assertThat(merged.get(WEB_0).sessions()).isEqualTo(1);
    assertThat(merged.get(WEB_1).sessions()).isEqualTo(1);
  }

  @Test
  void aStaleEntryIsDroppedEvenWhenTheNewBackendIsASketch() {
    DistinctSketch many = new DistinctSketch();
    LongStream.range(1, 3000).forEach(many::add);
    SessionReport a = report("proxy-a", new SessionReport.Backend(WEB_1, 2999, T, null, many,
        List.of(moved("web-0", RepinReason.REMOVED, T0 + 500, 1))));
    SessionReport b = report("proxy-b", pinned("web-0", T0, 1, 5000));

    Map<BackendId, SessionReports.Merged> merged = SessionReports.merge(List.of(a, b));

    assertThat(merged.get(WEB_0).sessions()).isEqualTo(1);
    assertThat(merged.get(WEB_1).sessions()).isCloseTo(2999, org.assertj.core.data.Percentage.withPercentage(5));
  }

  @Test
  void twoReplicasThatBothRePinnedASessionCountOneMoveToTheLaterTarget() {
    SessionReport a = report("proxy-a",
        withMoved(pinned("web-1", T0 + 100, 1), moved("web-0", RepinReason.DRAINED, T0 + 100, 1)));
    SessionReport b = report("proxy-b",
        withMoved(pinned("web-2", T0 + 200, 1), moved("web-0", RepinReason.DRAINED, T0 + 200, 1)));

    SessionReports.Result r = SessionReports.mergeAll(List.of(a, b));

    assertThat(r.perBackend().get(WEB_1).sessions()).isZero();
    assertThat(r.perBackend().get(WEB_2).sessions()).isEqualTo(1);
    assertThat(r.movedFrom().get(WEB_0)).hasSize(1).containsValue(
        new SessionReports.Move(WEB_2, RepinReason.DRAINED, T0 + 200));
  }

  @Test
  void schemaOneReportsWithoutPinTimesStillCountASessionOnce() {
    SessionReport a = report("proxy-a", backend("web-0", T, 1, 2));
    SessionReport b = report("proxy-b", backend("web-1", T, 1));

    Map<BackendId, SessionReports.Merged> merged = SessionReports.merge(List.of(a, b));

    assertThat(merged.get(WEB_0).sessions() + merged.get(WEB_1).sessions()).isEqualTo(2);
  }

  private static SessionReport report(String instance, SessionReport.Backend... backends) {
    return new SessionReport(instance, 1, T, List.of(backends));
  }

  private static SessionReport.Backend backend(String id, Instant last, long... keys) {
    DistinctSketch sketch = new DistinctSketch();
    for (long k : keys) {
      sketch.add(k);
    }
    return SessionReport.Backend.of(BackendId.of(id), keys.length, last, sketch);
  }

  private static SessionReport.Backend pinned(String id, long at, long... keys) {
    return new SessionReport.Backend(BackendId.of(id), keys.length, T, pins(at, keys), null, List.of());
  }

  private static SessionReport.Backend withMoved(SessionReport.Backend b, SessionReport.Moved... moved) {
    return new SessionReport.Backend(b.id(), b.sessions(), b.lastActivity(), b.exact(), b.hll(), List.of(moved));
  }

  private static SessionReport.Moved moved(String from, RepinReason reason, long at, long... keys) {
    return new SessionReport.Moved(BackendId.of(from), reason, pins(at, keys));
  }

  private static SessionReport.Pins pins(long at, long... keys) {
    return new SessionReport.Pins(LongStream.of(keys).map(DistinctSketch::mix).toArray(),
        LongStream.of(keys).map(k -> at).toArray());
  }
}
