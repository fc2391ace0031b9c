package io.stickypool.bench.operator;

import java.util.ArrayList;
import java.util.List;

/**
 * What one run at one pool count measured, filled in phase by phase; a figure stays null when its
 * phase did not run, and {@link #problems} says why. Fields are what the JSON report holds.
 */
final class ScaleFigures {
  /** p50/p90/p99/max in ms over {@code changes} slice changes; {@code timedOut} never arrived. */
  record Latency(int changes, int timedOut, double p50, double p90, double p99, double max) {
    static Latency of(SliceChangeProbe.Latencies l) {
      return new Latency(l.millis().size() + l.timedOut(), l.timedOut(), l.percentile(50), l.percentile(90),
          l.percentile(99), l.max());
    }
  }

  final int pools;
  final List<String> problems = new ArrayList<>();
  Double setupSeconds;
  Double startToReadySeconds;
  Double startToProxyAvailableSeconds;
  Double startupCpuSeconds;
  /** Every request from the operator's start to all pools Ready (not per minute). */
  OperatorRequests startupRequests;
  Double idleWindowSeconds;
  OperatorRequests idlePerMinute;
  Double idleCpuSecondsPerMinute;
  String loadAverageIdle;
  Long heapUsedAfterGcKib;
  Long heapCommittedKib;
  Long rssKib;
  Latency latency;
  Long standInStatusWrites;
  Integer operatorLogWarnings;
  List<String> operatorLogSample = List.of();

  ScaleFigures(int pools) {
    this.pools = pools;
  }
}
