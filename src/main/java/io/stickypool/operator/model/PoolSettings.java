package io.stickypool.operator.model;

import io.stickypool.api.v1alpha1.Affinity;
import io.stickypool.api.v1alpha1.CookieAffinity;
import io.stickypool.api.v1alpha1.Drain;
import io.stickypool.api.v1alpha1.SigningKeys;
import io.stickypool.api.v1alpha1.StickyPoolSpec;
import io.stickypool.api.v1alpha1.Placement;
import io.stickypool.contract.GoDurations;
import io.stickypool.core.drain.DrainPolicy;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.AffinityType;
import io.stickypool.core.snapshot.CookieLifetime;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.SameSite;
import java.time.Duration;
import java.util.List;

/**
 * A pool's spec as the core's settings: affinity, placement and drain policy. Absent fields take
 * the same defaults as the CRD schema, so a pool read before the API server defaulted it (a test
 * fixture, an old object) behaves the same. Pure.
 */
public record PoolSettings(AffinitySettings affinity, PlacementSettings placement, DrainPolicy drain) {

  public static PoolSettings of(StickyPoolSpec spec) {
    return new PoolSettings(affinity(spec.getAffinity()), placement(spec.getPlacement()), drain(spec.getDrain()));
  }

  static AffinitySettings affinity(Affinity a) {
    if (a == null) {
      return AffinitySettings.cookie(CookieSettings.defaults());
    }
    CookieSettings cookie = cookie(a.getCookie());
    AffinityType type = a.getType() == null ? AffinityType.COOKIE : switch (a.getType()) {
      case Cookie -> AffinityType.COOKIE;
      case Header -> AffinityType.HEADER;
      case ClientIP -> AffinityType.CLIENT_IP;
      case AppCookie -> AffinityType.APP_COOKIE;
      case Unrecognized -> throw new InvalidSpec("spec.affinity.type", "holds a value this operator does not know");
    };
    String keyName =
        type == AffinityType.HEADER && a.getHeader() != null ? a.getHeader().getName()
            : type == AffinityType.APP_COOKIE && a.getAppCookie() != null ? a.getAppCookie().getName()
            : null;
    List<String> trusted =
        a.getClientIP() == null || a.getClientIP().getTrustedProxies() == null
            ? List.of()
            : a.getClientIP().getTrustedProxies();
    return new AffinitySettings(type, cookie, keyName, trusted);
  }

  static CookieSettings cookie(CookieAffinity c) {
    CookieSettings d = CookieSettings.defaults();
    if (c == null) {
      return d;
    }
    return new CookieSettings(
        c.getName() != null ? c.getName() : d.name(),
        c.getPath() != null ? c.getPath() : d.path(),
        c.getDomain(),
        c.getLifetimeType() == io.stickypool.api.v1alpha1.CookieLifetimeType.Permanent
            ? CookieLifetime.PERMANENT : CookieLifetime.SESSION,
        positive("spec.affinity.cookie.absoluteTimeout", c.getAbsoluteTimeout(), d.absoluteTimeout()),
        positive("spec.affinity.cookie.idleTimeout", c.getIdleTimeout(), d.idleTimeout()),
        Boolean.TRUE.equals(c.getSecure()),
        c.getHttpOnly() == null || c.getHttpOnly(),
        c.getSameSite() == null ? SameSite.LAX : SameSite.valueOf(c.getSameSite().name().toUpperCase(java.util.Locale.ROOT)));
  }

  static PlacementSettings placement(Placement p) {
    return p == null || p.getBoundedLoadFactor() == null
        ? PlacementSettings.defaults()
        : new PlacementSettings(p.getBoundedLoadFactor());
  }

  /**
   * The key rotation schedule. Replaced keys retire after the cookie's absolute timeout, since no
   * cookie they signed can be valid after it; other affinity types sign nothing that outlives 24h.
   */
  public static KeySchedule keySchedule(StickyPoolSpec spec) {
    SigningKeys k = spec.getSigningKeys() == null ? new SigningKeys() : spec.getSigningKeys();
    AffinitySettings affinity = affinity(spec.getAffinity());
    Duration cookieLifetime = affinity.cookie() != null
        ? affinity.cookie().absoluteTimeout() : Duration.ofHours(24);
    return new KeySchedule(
        positive("spec.signingKeys.rotationInterval", k.getRotationInterval(), null),
        duration("spec.signingKeys.propagationDelay", k.getPropagationDelay(), Duration.ofMinutes(2)),
        positive("spec.signingKeys.retireAfter", k.getRetireAfter(), cookieLifetime));
  }

  static DrainPolicy drain(Drain d) {
    DrainPolicy defaults = DrainPolicy.defaults();
    if (d == null) {
      return defaults;
    }
    return new DrainPolicy(
        positive("spec.drain.drainTimeout", d.getDrainTimeout(), defaults.drainTimeout()),
        positive("spec.drain.idleSessionThreshold", d.getIdleSessionThreshold(), defaults.idleSessionThreshold()));
  }

  private static Duration duration(String field, String text, Duration absent) {
    if (text == null) {
      return absent;
    }
    try {
      return GoDurations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidSpec(field, "\"" + text + "\" is not a duration such as 30s, 5m or 1h30m");
    }
  }

  private static Duration positive(String field, String text, Duration absent) {
    Duration d = duration(field, text, absent);
    if (d != null && (d.isZero() || d.isNegative())) {
      throw new InvalidSpec(field, "must be longer than 0s, such as 30s or 5m (got \"" + text + "\")");
    }
    return d;
  }
}
