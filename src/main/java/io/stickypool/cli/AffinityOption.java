package io.stickypool.cli;

import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.AffinityType;
import io.stickypool.core.snapshot.CookieSettings;
import java.util.List;
import picocli.CommandLine.TypeConversionException;

/** Turns {@code --affinity cookie|header:NAME|client-ip|app-cookie:NAME} into settings. */
final class AffinityOption {
  private AffinityOption() {}

  static AffinitySettings parse(String spec, String cookieName, List<String> trustedProxies) {
    CookieSettings cookie;
    try {
      cookie = CookieSettings.named(cookieName);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("--cookie-name: " + e.getMessage());
    }
    String kind = spec;
    String name = null;
    int colon = spec.indexOf(':');
    if (colon >= 0) {
      kind = spec.substring(0, colon);
      name = spec.substring(colon + 1);
    }
    try {
      switch (kind) {
        case "cookie":
          return new AffinitySettings(AffinityType.COOKIE, cookie, null, trustedProxies);
        case "header":
          return new AffinitySettings(AffinityType.HEADER, cookie, name, trustedProxies);
        case "app-cookie":
          return new AffinitySettings(AffinityType.APP_COOKIE, cookie, name, trustedProxies);
        case "client-ip":
          return new AffinitySettings(AffinityType.CLIENT_IP, cookie, null, trustedProxies);
        default:
          throw new TypeConversionException(
              "--affinity '" + spec + "': expected cookie, header:NAME, client-ip or app-cookie:NAME");
      }
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("--affinity '" + spec + "': " + e.getMessage());
    }
  }
}
