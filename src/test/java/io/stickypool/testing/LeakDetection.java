package io.stickypool.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer. Runs the detector at PARANOID (every
 * buffer tracked) and records every report instead of only logging it; after the class, forces
 * garbage collection and allocates a few buffers so pending leaks get reported, then asserts none.
 *
 * <p>Use with {@code @ExtendWith(LeakDetection.class)}.
 */
public final class LeakDetection implements BeforeAllCallback, AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
  private static volatile boolean installed;

  @Override
  public void beforeAll(ExtensionContext context) {
    install();
    LEAKS.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50); // lets the reference queue fill after GC; not a wait for our code
      for (int j = 0; j < 100; j++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(16);
        b.release();
      }
    }
    if (!LEAKS.isEmpty()) {
      throw new AssertionError(LEAKS.size() + " Netty buffer leak(s):\n" + String.join("\n---\n", LEAKS));
    }
  }

  /** Leak reports recorded so far in this class. */
  public static List<String> leaks() {
    return List.copyOf(LEAKS);
  }

  static void record(String report) {
    LEAKS.add(report);
  }

  /**
   * Installs the recording detector unless the JVM was started with it already (surefire passes
   * {@code -Dio.netty.customResourceLeakDetector}, so buffers created before this class ran are
   * tracked too).
   */
  static synchronized void install() {
    if (installed) {
      return;
    }
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    if (System.getProperty("io.netty.customResourceLeakDetector") == null) {
      ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(
          new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                Class<T> resource, int samplingInterval, long maxActive) {
              return new RecordingLeakDetector<>(resource, samplingInterval);
            }
          });
    }
    installed = true;
  }
}
