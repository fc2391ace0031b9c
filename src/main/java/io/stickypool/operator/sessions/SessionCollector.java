package io.stickypool.operator.sessions;

import io.stickypool.contract.SessionReport;
import io.stickypool.contract.SessionReportCodec;
import io.stickypool.contract.SessionReports;
import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.endpoints.SessionStats;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks every proxy of a pool for its session report at once and merges what comes back within a
 * bounded time. A proxy that times out, fails or sends a malformed report is listed as missing; the
 * round is then partial (see {@link PoolSessions}). Thread-safe: pools collect concurrently over
 * one shared fetcher, and no round waits longer than {@code deadline}.
 */
public final class SessionCollector {
  /** Above the fetcher's own request timeout, so slow proxies fail there with a clear reason. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMillis(1500);

  private final ReportFetcher fetcher;
  private final Duration deadline;
  private final Clock clock;
  private final SessionReportCodec codec = new SessionReportCodec();

  public SessionCollector(ReportFetcher fetcher, Duration deadline, Clock clock) {
    this.fetcher = fetcher;
    this.deadline = deadline;
    this.clock = clock;
  }

  public PoolSessions collect(List<AdminTarget> targets) {
    if (targets.isEmpty()) {
      return PoolSessions.none(clock.instant());
    }
    List<CompletableFuture<SessionReport>> pending = new ArrayList<>(targets.size());
    for (AdminTarget t : targets) {
      pending.add(start(t).thenApply(codec::fromJson));
    }
    long until = System.nanoTime() + deadline.toNanos();
    List<SessionReport> reports = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      CompletableFuture<SessionReport> f = pending.get(i);
      try {
        reports.add(f.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        f.cancel(true);
        missing.add(targets.get(i).pod() + ": no answer within " + deadline.toMillis() + " ms");
      } catch (ExecutionException e) {
        missing.add(targets.get(i).pod() + ": " + why(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        missing.add(targets.get(i).pod() + ": interrupted");
      }
    }
    SessionReports.Result merged = SessionReports.mergeAll(reports);
    return new PoolSessions(stats(merged.perBackend()), targets.size(), reports.size(), missing, clock.instant(),
        merged.movedFrom());
  }

  private CompletableFuture<String> start(AdminTarget target) {
    try {
      return fetcher.fetch(target);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Map<BackendId, SessionStats> stats(Map<BackendId, SessionReports.Merged> merged) {
    Map<BackendId, SessionStats> out = new TreeMap<>();
    merged.forEach((id, m) -> out.put(id,
        new SessionStats((int) Math.min(Integer.MAX_VALUE, m.sessions()), m.lastActivity())));
    return out;
  }

  static String why(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException
        || cause instanceof IllegalStateException && cause.getCause() != null) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String kind = cause instanceof IllegalArgumentException ? "malformed report"
        : cause.getClass().getSimpleName();
    return cause.getMessage() == null ? kind : kind + ": " + cause.getMessage();
  }
}
