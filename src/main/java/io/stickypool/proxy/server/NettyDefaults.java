package io.stickypool.proxy.server;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.PlatformDependent;

/**
 * Two Netty defaults the proxy turns off unless the JVM was told otherwise: the buffer leak
 * detector and the allocator's JFR events.
 *
 * <p>Leak detector: Netty's default samples one buffer in 128 and records a stack trace for each:
 * about a tenth of the JIT's work under load went to compiling and recompiling around those
 * sampled wrappers, and the traces themselves showed in profiles (docs/proxy-tuning.md). Leaks are
 * what the test suite hunts, at PARANOID on every buffer; in production a leak shows as growing
 * direct memory, capped by {@code -XX:MaxDirectMemorySize}.
 *
 * <p>Allocator events: Netty 4.2 defines JFR events for its buffer allocator and, when the JVM has
 * JFR, checks them on every allocation. Defining them starts JFR's Java side (about 130 classes)
 * whether or not anything records: with the sidecar flags that was 7 MiB of RSS at start and a few
 * MiB at the peak under load (docs/proxy-tuning.md, footprint).
 *
 * <p>Anyone who wants either in a running proxy sets {@code -Dio.netty.leakDetection.level} or
 * {@code -Dio.netty.jfr.enabled=true}, and that wins. Both must be applied before Netty's
 * {@link PlatformDependent} is first loaded: it reads the JFR property once, in its static
 * initialiser.
 */
public final class NettyDefaults {
  static final String LEVEL_PROPERTY = "io.netty.leakDetection.level";
  /** The name Netty 4.0 used, still honoured by Netty. */
  static final String LEGACY_LEVEL_PROPERTY = "io.netty.leakDetectionLevel";
  static final String JFR_PROPERTY = "io.netty.jfr.enabled";

  private NettyDefaults() {
  }

  /** Applies both defaults where the command line set nothing; returns what is in force. */
  public static InForce applyUnlessConfigured() {
    if (System.getProperty(JFR_PROPERTY) == null) {
      System.setProperty(JFR_PROPERTY, "false");
    }
    if (System.getProperty(LEVEL_PROPERTY) == null && System.getProperty(LEGACY_LEVEL_PROPERTY) == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
    return new InForce(ResourceLeakDetector.getLevel(), PlatformDependent.isJfrEnabled());
  }

  /** The leak detector's level and whether the allocator's JFR events are on. */
  public record InForce(ResourceLeakDetector.Level leakDetection, boolean allocatorEvents) {
    @Override
    public String toString() {
      return leakDetection + " allocatorEvents=" + allocatorEvents;
    }
  }
}
