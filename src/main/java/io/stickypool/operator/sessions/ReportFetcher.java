package io.stickypool.operator.sessions;

import java.util.concurrent.CompletableFuture;

/** Fetches one proxy's raw session report; the seam that lets the collector be tested offline. */
@FunctionalInterface
public interface ReportFetcher {
  /** Completes with the body, or exceptionally with why it could not be had; never blocks. */
  CompletableFuture<String> fetch(AdminTarget target);
}
