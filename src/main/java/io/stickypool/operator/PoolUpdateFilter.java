package io.stickypool.operator;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.operator.model.KeySchedule;
import java.util.Map;
import java.util.Objects;

/**
 * Which pool updates start a reconcile. JOSDK's generation-aware filter would drop annotation-only
 * updates, and the key rotation request is an annotation ({@value KeySchedule#REQUEST_ANNOTATION})
 * so that {@code kubectl annotate} can make it. Status-only updates (our own status patches) are
 * still dropped, or every reconcile would trigger the next one.
 */
public final class PoolUpdateFilter implements OnUpdateFilter<StickyPool> {
  @Override
  public boolean accept(StickyPool updated, StickyPool old) {
    return !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
        || !Objects.equals(rotationRequest(updated), rotationRequest(old))
        || !Objects.equals(updated.getMetadata().getFinalizers(), old.getMetadata().getFinalizers())
        || updated.isMarkedForDeletion();
  }

  private static String rotationRequest(StickyPool pool) {
    Map<String, String> annotations = pool.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(KeySchedule.REQUEST_ANNOTATION);
  }
}
