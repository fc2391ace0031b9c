package io.stickypool.testing;

import io.netty.util.ResourceLeakDetector;

/**
 * A leak detector that records every report for {@link LeakDetection} as well as logging it.
 * Netty instantiates it from {@code -Dio.netty.customResourceLeakDetector}, hence public.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
  @SuppressWarnings("deprecation")
  public RecordingLeakDetector(Class<?> resource, int samplingInterval) {
    super(resource, samplingInterval);
  }

  @SuppressWarnings("deprecation")
  public RecordingLeakDetector(Class<?> resource, int samplingInterval, long maxActive) {
    super(resource, samplingInterval, maxActive);
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    LeakDetection.record(resourceType + ": " + records);
    super.reportTracedLeak(resourceType, records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    LeakDetection.record(resourceType + " (untraced)");
    super.reportUntracedLeak(resourceType);
  }
}
