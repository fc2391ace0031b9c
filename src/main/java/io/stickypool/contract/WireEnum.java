package io.stickypool.contract;

import io.stickypool.core.backend.BackendState;
import io.stickypool.core.session.RepinReason;
import io.stickypool.core.snapshot.AffinityType;
import io.stickypool.core.snapshot.CookieLifetime;
import io.stickypool.core.snapshot.SameSite;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire spelling of a core enum: Gateway API style ({@code ClientIP}, {@code Draining}) instead
 * of Java constant names, so renaming a constant never changes the contract. Every constant must
 * have a spelling; a constant added to core without one fails when this class loads.
 */
final class WireEnum<E extends Enum<E>> {
  static final WireEnum<AffinityType> AFFINITY_TYPE =
      new WireEnum<>(AffinityType.class, Map.of(
          AffinityType.COOKIE, "Cookie",
          AffinityType.HEADER, "Header",
          AffinityType.CLIENT_IP, "ClientIP",
          AffinityType.APP_COOKIE, "AppCookie"));
  static final WireEnum<CookieLifetime> COOKIE_LIFETIME =
      new WireEnum<>(CookieLifetime.class, Map.of(
          CookieLifetime.SESSION, "Session",
          CookieLifetime.PERMANENT, "Permanent"));
  static final WireEnum<SameSite> SAME_SITE =
      new WireEnum<>(SameSite.class, Map.of(
          SameSite.STRICT, "Strict",
          SameSite.LAX, "Lax",
          SameSite.NONE, "None",
          SameSite.UNSET, "Unset"));
  static final WireEnum<BackendState> BACKEND_STATE =
      new WireEnum<>(BackendState.class, Map.of(
          BackendState.ACTIVE, "Active",
          BackendState.DRAINING, "Draining",
          BackendState.DRAINED, "Drained",
          BackendState.UNAVAILABLE, "Unavailable"));

  static final WireEnum<RepinReason> REPIN_REASON =
      new WireEnum<>(RepinReason.class, Map.of(
          RepinReason.DRAINED, "Drained",
          RepinReason.FAILOVER, "Failover",
          RepinReason.REMOVED, "Removed"));

  private final Map<E, String> names;
  private final Map<String, E> values = new LinkedHashMap<>();

  private WireEnum(Class<E> type, Map<E, String> spellings) {
    this.names = new EnumMap<>(spellings);
    for (E constant : type.getEnumConstants()) {
      String name = names.get(constant);
      if (name == null) {
        throw new IllegalStateException(type.getSimpleName() + "." + constant + " has no wire name");
      }
      values.put(name, constant);
    }
  }

  String name(E value) {
    return names.get(value);
  }

  /** The constant spelled {@code name} (case-sensitive), or null. */
  E valueOf(String name) {
    return values.get(name);
  }

  /** The spellings in declaration order, for error messages: {@code Cookie, Header, ...}. */
  String choices() {
    return String.join(", ", values.keySet());
  }
}
