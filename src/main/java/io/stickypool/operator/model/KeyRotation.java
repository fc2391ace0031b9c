package io.stickypool.operator.model;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.cookie.SigningKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Cookie key rotation as a cycle of three steps, each one ring that must reach every proxy replica
 * before the next step (docs/affinity-cookie.md, "Keys and rotation"):
 *
 * <ol>
 *   <li>{@link Step#STAGED}: a new key is listed just BEFORE the signing key. Replicas learn to
 *       verify it while the old key still signs, so no replica meets a cookie from a key it lacks.
 *   <li>{@link Step#PROMOTED}: the new key moves to the end and signs; old cookies still verify and
 *       are re-signed as they are refreshed. Sessions keep their backend (tokens are unkeyed).
 *   <li>{@link Step#RETIRED}: every key but the signing one is dropped; cookies still signed by
 *       them become UNKNOWN_KEY. Call this only after the cookie absolute timeout (at least the
 *       idle timeout) has passed since PROMOTED.
 * </ol>
 *
 * <p>The phase is read from the ring alone, so it survives operator restarts: a ring is staged
 * when it holds the key whose id follows the signing key's ({@code (id + 1) mod 256}). Promoting
 * such a key is always safe, since every replica already verifies it. Spacing the steps is the
 * caller's job; {@link Rotation#at} is what it records (for example as a Secret annotation).
 */
public final class KeyRotation {
  public enum Step { STAGED, PROMOTED, RETIRED }

  /** The next ring, which step produced it, and when. */
  public record Rotation(KeyRing ring, Step step, Instant at) {}

  private KeyRotation() {}

  /** Which step {@link #rotate} would take on this ring, read from the ring alone. */
  public static Step nextStep(KeyRing current) {
    int nextId = (current.signingKey().id() + 1) % (SigningKey.MAX_ID + 1);
    if (current.key(nextId) != null) {
      return Step.PROMOTED;
    }
    return current.keys().size() > 1 ? Step.RETIRED : Step.STAGED;
  }

  public static Rotation rotate(KeyRing current, SecureRandom random, Instant now) {
    SigningKey signer = current.signingKey();
    int nextId = (signer.id() + 1) % (SigningKey.MAX_ID + 1);
    SigningKey staged = current.key(nextId);
    if (staged != null) {
      return new Rotation(promote(current, staged), Step.PROMOTED, now);
    }
    if (current.keys().size() > 1) {
      return new Rotation(KeyRing.of(signer), Step.RETIRED, now);
    }
    return new Rotation(stage(current, SigningKey.generate(nextId, random)), Step.STAGED, now);
  }

  /** The ring with {@code fresh} inserted just before the signing key, which keeps signing. */
  private static KeyRing stage(KeyRing current, SigningKey fresh) {
    List<SigningKey> keys = new ArrayList<>(current.keys());
    keys.add(keys.size() - 1, fresh);
    return new KeyRing(keys);
  }

  private static KeyRing promote(KeyRing current, SigningKey staged) {
    return current.withoutKey(staged.id()).withKey(staged);
  }
}
