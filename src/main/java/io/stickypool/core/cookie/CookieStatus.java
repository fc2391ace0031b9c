package io.stickypool.core.cookie;

/**
 * How {@link CookieCodec#decode} judged a cookie value, in the order the checks run: structure,
 * version, key, signature, then times. The first failing check names the status. Meant to be
 * counted as a metric label.
 */
public enum CookieStatus {
  /** Verified and within both timeouts: route by it. */
  VALID(true),
  /** No value (null or empty): a new session. */
  ABSENT(false),
  /** Not canonical base64url, longer than the limit, wrong length, or inconsistent times. */
  MALFORMED(false),
  /** Well-formed base64url whose first byte is not a version this proxy reads. */
  UNSUPPORTED_VERSION(false),
  /** Signed by a key id that is not in the ring (retired, or never known here). */
  UNKNOWN_KEY(false),
  /** The tag does not match: tampered, forged, or signed by another secret under the same id. */
  BAD_SIGNATURE(false),
  /** Authentic, but the session started longer ago than the absolute timeout. */
  EXPIRED_ABSOLUTE(true),
  /** Authentic, but not re-issued for longer than the idle timeout. */
  EXPIRED_IDLE(true),
  /**
   * Authentic, but its last-seen time (the latest time it was issued) is ahead of this proxy's
   * clock by more than {@link CookieCodec#CLOCK_SKEW_ALLOWANCE}.
   */
  ISSUED_IN_FUTURE(true);

  private final boolean authenticated;

  CookieStatus(boolean authenticated) {
    this.authenticated = authenticated;
  }

  /** Whether the signature verified, so the cookie's contents are ours even if it is not VALID. */
  public boolean authenticated() {
    return authenticated;
  }
}
