package io.stickypool.proxy.server;

import io.netty.util.ResourceLeakDetector;

/**
 * The proxy serves with Netty's buffer leak detector off unless the JVM was told otherwise.
 *
 * <p>Netty's default samples one buffer in 128 and records a stack trace for each: about a tenth of
 * the JIT's work under load went to compiling and recompiling around those sampled wrappers, and
 * the traces themselves showed in profiles (docs/proxy-tuning.md). Leaks are what the test suite
 * hunts, at PARANOID on every buffer; in production a leak shows as growing direct memory, capped
 * by {@code -XX:MaxDirectMemorySize}. Anyone who wants the detector in a running proxy sets
 * {@code -Dio.netty.leakDetection.level}, and that wins.
 */
public final class LeakDetectionDefault {
  static final String LEVEL_PROPERTY = "io.netty.leakDetection.level";
  /** The name Netty 4.0 used, still honoured by Netty. */
  static final String LEGACY_LEVEL_PROPERTY = "io.netty.leakDetectionLevel";

  private LeakDetectionDefault() {
  }

  /** Turns the detector off unless a level was set on the command line; returns the level in force. */
  public static ResourceLeakDetector.Level applyUnlessConfigured() {
    if (System.getProperty(LEVEL_PROPERTY) == null && System.getProperty(LEGACY_LEVEL_PROPERTY) == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    return ResourceLeakDetector.getLevel();
  }
}
