package io.stickypool.core.cookie;

import java.util.Objects;

/**
 * A status and, when the signature verified, the cookie.
 *
 * <p>{@code cookie} is non-null exactly when {@link CookieStatus#authenticated()}: VALID, and also
 * EXPIRED_ABSOLUTE, EXPIRED_IDLE and ISSUED_IN_FUTURE. Those last three are authentic but must not
 * be routed by; they are exposed so the proxy can name the previous backend in logs and metrics, or
 * prefer it when it starts the replacement session. Unauthenticated results are shared constants,
 * so judging a forged or broken value allocates nothing. Immutable.
 */
public record CookieDecodeResult(CookieStatus status, AffinityCookie cookie) {
  private static final CookieDecodeResult[] UNAUTHENTICATED =
      new CookieDecodeResult[CookieStatus.values().length];

  static {
    for (CookieStatus s : CookieStatus.values()) {
      if (!s.authenticated()) {
        UNAUTHENTICATED[s.ordinal()] = new CookieDecodeResult(s, null);
      }
    }
  }

  public CookieDecodeResult {
    Objects.requireNonNull(status, "status");
    if (status.authenticated() != (cookie != null)) {
      throw new IllegalArgumentException(
          status + (cookie == null ? " needs a cookie" : " must not carry a cookie"));
    }
  }

  /** The shared result for a status that carries no cookie. */
  static CookieDecodeResult of(CookieStatus status) {
    return UNAUTHENTICATED[status.ordinal()];
  }

  /** Whether the proxy may route by {@link #cookie()}. */
  public boolean isValid() {
    return status == CookieStatus.VALID;
  }
}
