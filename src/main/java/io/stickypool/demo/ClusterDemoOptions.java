package io.stickypool.demo;

import java.time.Duration;

/**
 * The cluster demo's knobs.
 *
 * @param drainTimeout the pool's spec.drain.drainTimeout: the sessions still pinned to a leaving
 *     pod when it passes are moved
 * @param idleThreshold spec.drain.idleSessionThreshold
 * @param sessionIdle spec.affinity.cookie.idleTimeout: the session of a user who left ends this
 *     long after its last click
 * @param warmup how long users browse before the scale-down (they arrive during its first half)
 * @param after how long they browse once the scale-down is complete
 * @param think each user's pause between two clicks
 * @param idle how long a user goes idle now and then (well under sessionIdle)
 * @param tableEvery how often the table is refreshed
 * @param keep leave everything running after the story, for kubectl
 */
public record ClusterDemoOptions(int users, Duration drainTimeout, Duration idleThreshold, Duration sessionIdle,
    Duration warmup, Duration after, Duration think, Duration idle, Duration tableEvery, boolean keep) {

  public static ClusterDemoOptions full(int users, boolean keep) {
    return new ClusterDemoOptions(users, Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(6),
        Duration.ofSeconds(8), Duration.ofSeconds(8), Duration.ofMillis(500), Duration.ofSeconds(2),
        Duration.ofSeconds(1), keep);
  }

  /** For tests and a quick look: fewer users, a 9 s drain. */
  public static ClusterDemoOptions shortRun(int users, boolean keep) {
    return new ClusterDemoOptions(users, Duration.ofSeconds(9), Duration.ofSeconds(4), Duration.ofSeconds(3),
        Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofMillis(800),
        Duration.ofSeconds(1), keep);
  }

  DemoBrowsers.Crowd crowd() {
    return new DemoBrowsers.Crowd(users, warmup.dividedBy(2), think, idle);
  }

  /**
   * The last moment after the scale-down a user may leave so that its session has ended (idle
   * past sessionIdle, swept, reported) before the drain deadline: only the rest is moved then.
   */
  Duration lastLeave() {
    return drainTimeout.minus(sessionIdle).minusSeconds(4);
  }
}
