package io.stickypool.core.snapshot;

import java.time.Duration;
import java.util.Objects;

/**
 * How the proxy writes and judges its affinity cookie. Immutable.
 *
 * @param name cookie name (an RFC 6265 token)
 * @param path Path attribute, default {@code /}
 * @param domain Domain attribute, or null to leave it out (host-only cookie)
 * @param absoluteTimeout a session older than this (from its signed issue time) starts over
 * @param idleTimeout a session not seen for this long (from its signed last-seen time) starts over
 */
public record CookieSettings(
    String name,
    String path,
    String domain,
    CookieLifetime lifetime,
    Duration absoluteTimeout,
    Duration idleTimeout,
    boolean secure,
    boolean httpOnly,
    SameSite sameSite) {

  public static final String DEFAULT_NAME = "stickypool";
  public static final Duration DEFAULT_ABSOLUTE_TIMEOUT = Duration.ofHours(24);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

  public CookieSettings {
    Objects.requireNonNull(name, "cookie name");
    Objects.requireNonNull(path, "cookie path");
    Objects.requireNonNull(lifetime, "cookie lifetime");
    Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(sameSite, "sameSite");
    if (!Tokens.isToken(name)) {
      throw new IllegalArgumentException("cookie name '" + name + "' is not an RFC 6265 token");
    }
    if (!path.startsWith("/") || !Tokens.isCookieAttributeValue(path)) {
      throw new IllegalArgumentException("cookie path '" + path + "' must start with / and have no ; or controls");
    }
    if (domain != null && (domain.isEmpty() || !Tokens.isCookieAttributeValue(domain))) {
      throw new IllegalArgumentException("cookie domain '" + domain + "' is not valid");
    }
    if (absoluteTimeout.isNegative() || absoluteTimeout.isZero()) {
      throw new IllegalArgumentException("absoluteTimeout must be positive");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive");
    }
    if (sameSite == SameSite.NONE && !secure) {
      throw new IllegalArgumentException("SameSite=None needs Secure (browsers reject it otherwise)");
    }
  }

  public static CookieSettings defaults() {
    return named(DEFAULT_NAME);
  }

  /** Defaults with another name: path /, session lifetime, HttpOnly, SameSite=Lax, not Secure. */
  public static CookieSettings named(String name) {
    return new CookieSettings(
        name,
        "/",
        null,
        CookieLifetime.SESSION,
        DEFAULT_ABSOLUTE_TIMEOUT,
        DEFAULT_IDLE_TIMEOUT,
        false,
        true,
        SameSite.LAX);
  }
}
