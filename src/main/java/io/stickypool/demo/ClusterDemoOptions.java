package io.stickypool.demo;

import java.time.Duration;

/**
 * The cluster demo's knobs.
 *
 * @param drainTimeout the pool's spec.drain.drainTimeout; users keep browsing, so their sessions are
 *     never idle and the leaving pods drain for exactly this long
 * @param idleThreshold spec.drain.idleSessionThreshold
 * @param warmup how long users browse before the scale-down
 * @param after how long they browse once the scale-down is complete
 * @param pause each user's think time between two requests
 * @param keep leave everything running after the story, for kubectl
 */
public record ClusterDemoOptions(int users, Duration drainTimeout, Duration idleThreshold, Duration warmup,
    Duration after, Duration pause, Duration tableEvery, boolean keep) {

  public static ClusterDemoOptions full(int users, boolean keep) {
    return new ClusterDemoOptions(users, Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(8),
        Duration.ofSeconds(4), Duration.ofMillis(500), Duration.ofSeconds(2), keep);
  }

  /** For tests and a quick look: fewer users, a 4 s drain. */
  public static ClusterDemoOptions shortRun(int users, boolean keep) {
    return new ClusterDemoOptions(users, Duration.ofSeconds(4), Duration.ofSeconds(2), Duration.ofSeconds(3),
        Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(1), keep);
  }
}
