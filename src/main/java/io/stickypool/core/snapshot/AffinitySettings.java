package io.stickypool.core.snapshot;

import java.util.List;
import java.util.Objects;

/**
 * What makes requests sticky: a discriminated union on {@link #type()}. The cookie settings are
 * always present (the cookie mode uses them; the others ignore them); {@code keyName} is the header
 * name for HEADER and the application's cookie name for APP_COOKIE, null otherwise.
 *
 * @param trustedProxies CIDR blocks whose X-Forwarded-For is believed in CLIENT_IP mode
 */
public record AffinitySettings(
    AffinityType type, CookieSettings cookie, String keyName, List<String> trustedProxies) {

  public AffinitySettings {
    Objects.requireNonNull(type, "affinity type");
    Objects.requireNonNull(cookie, "cookie settings");
    trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    boolean needsKey = type == AffinityType.HEADER || type == AffinityType.APP_COOKIE;
    if (needsKey && !Tokens.isToken(keyName)) {
      throw new IllegalArgumentException(
          type + " affinity needs a valid " + (type == AffinityType.HEADER ? "header" : "cookie")
              + " name, got '" + keyName + "'");
    }
    if (!needsKey) {
      keyName = null;
    }
  }

  public static AffinitySettings cookie(CookieSettings cookie) {
    return new AffinitySettings(AffinityType.COOKIE, cookie, null, List.of());
  }

  public static AffinitySettings header(String headerName) {
    return new AffinitySettings(AffinityType.HEADER, CookieSettings.defaults(), headerName, List.of());
  }

  public static AffinitySettings appCookie(String cookieName) {
    return new AffinitySettings(
        AffinityType.APP_COOKIE, CookieSettings.defaults(), cookieName, List.of());
  }

  public static AffinitySettings clientIp(List<String> trustedProxies) {
    return new AffinitySettings(
        AffinityType.CLIENT_IP, CookieSettings.defaults(), null, trustedProxies);
  }
}
