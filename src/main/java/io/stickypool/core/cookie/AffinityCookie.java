package io.stickypool.core.cookie;

/**
 * What the affinity cookie says, before signing or after verification. {@link CookieCodec} turns it
 * into the signed text form and back.
 *
 * <p>Immutable. Invariants: both times are unsigned 32-bit epoch seconds (0..{@value
 * #MAX_EPOCH_SECOND}, good until 2106) and {@code lastSeen >= issuedAt}; {@code keyId} is 0..255.
 *
 * @param sessionIdHigh high 64 bits of the random 128-bit session id
 * @param sessionIdLow low 64 bits of the session id
 * @param backendToken the pinned backend as {@link BackendToken#of}; opaque, never a name or IP
 * @param issuedAt when the session started, epoch seconds; the absolute timeout counts from here
 * @param lastSeen when the cookie was last re-issued, epoch seconds; the idle timeout counts from
 *     here
 * @param keyId the key that signed (or will sign) the cookie
 */
public record AffinityCookie(
    long sessionIdHigh,
    long sessionIdLow,
    long backendToken,
    long issuedAt,
    long lastSeen,
    int keyId) {

  public static final long MAX_EPOCH_SECOND = 0xffff_ffffL;

  public AffinityCookie {
    if (issuedAt < 0 || issuedAt > MAX_EPOCH_SECOND) {
      throw new IllegalArgumentException(
          "issuedAt " + issuedAt + " is not an unsigned 32-bit epoch second");
    }
    if (lastSeen < issuedAt || lastSeen > MAX_EPOCH_SECOND) {
      throw new IllegalArgumentException(
          "lastSeen " + lastSeen + " must be within issuedAt " + issuedAt + ".."
              + MAX_EPOCH_SECOND);
    }
    if (keyId < 0 || keyId > SigningKey.MAX_ID) {
      throw new IllegalArgumentException("keyId " + keyId + " is not 0.." + SigningKey.MAX_ID);
    }
  }
}
