package io.stickypool.operator;

import io.stickypool.operator.events.PoolEvents;

import io.fabric8.kubernetes.api.model.Secret;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.operator.model.KeySchedule;
import io.stickypool.operator.model.PoolSettings;
import io.stickypool.operator.model.SigningSecretModel;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The cookie signing keys a pool publishes: the ring already in its Secret, stepped by the
 * rotation schedule when a step is due. A fresh ring only when there is none, since regenerating
 * would invalidate every live cookie. Key material never reaches a log or an Event.
 */
final class PoolKeys {
  private final PoolEvents events;
  private final SecureRandom random = new SecureRandom();

  PoolKeys(PoolEvents events) {
    this.events = events;
  }

  /**
   * @param existing the pool's Secret as the cache holds it (the informer is synced before any
   *     reconcile, and the operator's own writes reach the cache at once), null when there is none
   */
  KeySchedule.Plan plan(StickyPool pool, Secret existing, Instant now) {
    KeyRing ring = SigningSecretModel.keyRing(existing).orElseGet(() -> KeyRing.generate(random));
    return PoolSettings.keySchedule(pool.getSpec())
        .plan(ring, annotations(existing), annotation(pool), random, now);
  }

  /** Tells the rotation step a plan took, if any, once its Secret is written. */
  void announce(StickyPool pool, KeySchedule.Plan plan) {
    plan.step().ifPresent(step -> events.emit(pool, io.stickypool.operator.events.EventReason.SIGNING_KEYS_ROTATED,
        "Signing keys " + step.name().toLowerCase(Locale.ROOT) + "; key "
            + plan.ring().signingKey().id() + " signs, " + plan.ring().keys().size()
            + " key(s) verify"));
  }

  private static Map<String, String> annotations(Secret secret) {
    return secret == null || secret.getMetadata().getAnnotations() == null
        ? Map.of() : secret.getMetadata().getAnnotations();
  }

  private static String annotation(StickyPool pool) {
    Map<String, String> annotations = pool.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(KeySchedule.REQUEST_ANNOTATION);
  }
}
