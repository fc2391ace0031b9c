package io.stickypool.operator.model;

import io.stickypool.core.cookie.KeyRing;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * When the next {@link KeyRotation} step is due. The ring says which step comes next; the signing
 * Secret's annotations say when the last step happened and which rotation request was served, so
 * the timing survives operator restarts. Pure apart from the random source for a new key.
 *
 * <ul>
 *   <li>STAGED is due when the pool carries a new {@value #REQUEST_ANNOTATION} value, or {@code
 *       interval} after the last step (no automatic rotation when the interval is null);
 *   <li>PROMOTED is due {@code propagationDelay} after STAGED, once every replica verifies the key;
 *   <li>RETIRED is due {@code retireAfter} after PROMOTED, once cookies signed by old keys expired.
 * </ul>
 * One step per call: each ring must reach every replica before the next one is written.
 */
public record KeySchedule(Duration interval, Duration propagationDelay, Duration retireAfter) {
  /** On the pool: set a new value to request one rotation now. */
  public static final String REQUEST_ANNOTATION = "stickypool.io/rotate-keys";
  /** On the Secret: the last step and when it happened, and the last request served. */
  public static final String STEP_ANNOTATION = "stickypool.io/key-step";
  public static final String STEP_AT_ANNOTATION = "stickypool.io/key-step-at";
  public static final String SERVED_ANNOTATION = "stickypool.io/rotate-keys-served";

  public KeySchedule {
    Objects.requireNonNull(propagationDelay, "propagationDelay");
    Objects.requireNonNull(retireAfter, "retireAfter");
  }

  /**
   * What to write now.
   *
   * @param ring the ring to publish
   * @param secretAnnotations the history to store on the Secret with it
   * @param step the step taken now, if any
   * @param nextDue when to look again, if a later step is scheduled
   */
  public record Plan(
      KeyRing ring,
      Map<String, String> secretAnnotations,
      Optional<KeyRotation.Step> step,
      Optional<Instant> nextDue) {}

  /**
   * @param secretAnnotations the current Secret's annotations (empty for a new ring)
   * @param request the pool's {@value #REQUEST_ANNOTATION} value, or null
   */
  public Plan plan(KeyRing ring, Map<String, String> secretAnnotations, String request,
      SecureRandom random, Instant now) {
    Map<String, String> history = new LinkedHashMap<>();
    copy(secretAnnotations, history, STEP_ANNOTATION);
    copy(secretAnnotations, history, SERVED_ANNOTATION);
    // Unknown history (a new or hand-made Secret) starts the clock now: never rotate early.
    Instant last = parseOr(secretAnnotations.get(STEP_AT_ANNOTATION), now);
    history.put(STEP_AT_ANNOTATION, last.toString());

    KeyRotation.Step next = KeyRotation.nextStep(ring);
    boolean requested = request != null && !request.equals(secretAnnotations.get(SERVED_ANNOTATION));
    Optional<Instant> due = next == KeyRotation.Step.STAGED && requested
        ? Optional.of(now) : dueAfter(next, last);
    if (due.isEmpty() || due.get().isAfter(now)) {
      return new Plan(ring, history, Optional.empty(), due);
    }
    KeyRotation.Rotation rotation = KeyRotation.rotate(ring, random, now);
    history.put(STEP_ANNOTATION, rotation.step().name());
    history.put(STEP_AT_ANNOTATION, now.toString());
    if (rotation.step() == KeyRotation.Step.STAGED && requested) {
      history.put(SERVED_ANNOTATION, request);
    }
    return new Plan(rotation.ring(), history, Optional.of(rotation.step()),
        dueAfter(KeyRotation.nextStep(rotation.ring()), now));
  }

  private Optional<Instant> dueAfter(KeyRotation.Step next, Instant last) {
    return switch (next) {
      case STAGED -> Optional.ofNullable(interval).map(last::plus);
      case PROMOTED -> Optional.of(last.plus(propagationDelay));
      case RETIRED -> Optional.of(last.plus(retireAfter));
    };
  }

  private static Instant parseOr(String text, Instant fallback) {
    try {
      return text == null ? fallback : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  private static void copy(Map<String, String> from, Map<String, String> to, String key) {
    if (from.get(key) != null) {
      to.put(key, from.get(key));
    }
  }
}
