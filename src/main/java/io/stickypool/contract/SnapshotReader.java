package io.stickypool.contract;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.AffinityType;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a snapshot document onto the core types. Shape errors (types, unknown fields, enum values,
 * ranges the contract states) are caught here with the exact path; rules that belong to core (cookie
 * attribute syntax, SameSite=None needs Secure) stay in the record constructors, and their
 * IllegalArgumentException is reported at the narrowest path that holds the offending values.
 */
final class SnapshotReader {
  static final int SCHEMA_VERSION = 1;

  private static final List<String> TOP =
      List.of("schemaVersion", "version", "affinity", "placement", "backends");
  private static final List<String> AFFINITY =
      List.of("type", "cookie", "header", "appCookie", "clientIP");
  private static final List<String> COOKIE = List.of(
      "name", "path", "domain", "lifetimeType", "absoluteTimeout", "idleTimeout", "secure",
      "httpOnly", "sameSite");
  private static final List<String> NAME_ONLY = List.of("name");
  private static final List<String> CLIENT_IP = List.of("trustedProxies");
  private static final List<String> PLACEMENT = List.of("boundedLoadFactor");
  private static final List<String> BACKEND =
      List.of("id", "host", "port", "weight", "state", "drainDeadline");

  private SnapshotReader() {}

  /** Reads a snapshot; {@code foreignTopLevel} names top-level fields another reader owns. */
  static RoutingSnapshot read(SourceTree tree, Set<String> foreignTopLevel)
      throws SnapshotFormatException {
    Cursor root = Cursor.root(tree).required().object(TOP, foreignTopLevel);
    checkSchemaVersion(root.field("schemaVersion"));
    long version = root.field("version").integer(0, Long.MAX_VALUE, 0);
    AffinitySettings affinity = affinity(root.field("affinity").object(AFFINITY));
    PlacementSettings placement = placement(root.field("placement").object(PLACEMENT));
    List<Backend> backends = backends(root.field("backends").required());
    try {
      return new RoutingSnapshot(version, affinity, placement, backends);
    } catch (IllegalArgumentException e) {
      throw root.error(e.getMessage());
    }
  }

  private static void checkSchemaVersion(Cursor field) throws SnapshotFormatException {
    long schema = field.integer(0, Long.MAX_VALUE, SCHEMA_VERSION);
    if (schema != SCHEMA_VERSION) {
      throw field.error(schema + " is not supported; this build reads schemaVersion "
          + SCHEMA_VERSION + " only (is the proxy older than the operator?)");
    }
  }

  private static AffinitySettings affinity(Cursor c) throws SnapshotFormatException {
    AffinityType type = c.field("type").oneOf(WireEnum.AFFINITY_TYPE, AffinityType.COOKIE);
    Cursor header = keyName(c.field("header"), AffinityType.HEADER, type);
    Cursor appCookie = keyName(c.field("appCookie"), AffinityType.APP_COOKIE, type);
    Cursor key = header != null ? header : appCookie;
    CookieSettings cookie = cookie(c.field("cookie").object(COOKIE));
    List<String> trustedProxies = trustedProxies(c.field("clientIP").object(CLIENT_IP));
    try {
      return new AffinitySettings(type, cookie, key == null ? null : key.text(), trustedProxies);
    } catch (IllegalArgumentException e) {
      throw (key == null ? c : key).error(e.getMessage());
    }
  }

  /**
   * The {@code name} field of a union member that only one type may carry ({@code header} for
   * Header): required for that type, refused for the others, null when not this type's member.
   */
  private static Cursor keyName(Cursor block, AffinityType owner, AffinityType type)
      throws SnapshotFormatException {
    if (type == owner) {
      return block.required().object(NAME_ONLY).field("name");
    }
    if (block.present()) {
      throw block.error("only allowed when type is " + WireEnum.AFFINITY_TYPE.name(owner));
    }
    return null;
  }

  private static CookieSettings cookie(Cursor c) throws SnapshotFormatException {
    CookieSettings d = CookieSettings.defaults();
    if (!c.present()) {
      return d;
    }
    try {
      return new CookieSettings(
          c.field("name").text(d.name()),
          c.field("path").text(d.path()),
          c.field("domain").text(d.domain()),
          c.field("lifetimeType").oneOf(WireEnum.COOKIE_LIFETIME, d.lifetime()),
          c.field("absoluteTimeout").duration(d.absoluteTimeout()),
          c.field("idleTimeout").duration(d.idleTimeout()),
          c.field("secure").bool(d.secure()),
          c.field("httpOnly").bool(d.httpOnly()),
          c.field("sameSite").oneOf(WireEnum.SAME_SITE, d.sameSite()));
    } catch (IllegalArgumentException e) {
      throw c.error(e.getMessage());
    }
  }

  private static List<String> trustedProxies(Cursor c) throws SnapshotFormatException {
    List<String> out = new ArrayList<>();
    for (Cursor entry : c.field("trustedProxies").elements()) {
      String cidr = entry.text();
      if (!Cidr.isValid(cidr)) {
        throw entry.error("'" + cidr + "' is not a CIDR block such as 10.0.0.0/8 or fd00::/8");
      }
      out.add(cidr);
    }
    return out;
  }

  private static PlacementSettings placement(Cursor c) throws SnapshotFormatException {
    Cursor factor = c.field("boundedLoadFactor");
    try {
      return new PlacementSettings(factor.number(PlacementSettings.DEFAULT_BOUNDED_LOAD_FACTOR));
    } catch (IllegalArgumentException e) {
      throw factor.error(e.getMessage());
    }
  }

  private static List<Backend> backends(Cursor list) throws SnapshotFormatException {
    List<Backend> out = new ArrayList<>();
    Map<BackendId, String> seen = new HashMap<>();
    for (Cursor entry : list.elements()) {
      Backend backend = backend(entry.required().object(BACKEND));
      String first = seen.putIfAbsent(backend.id(), entry.path());
      if (first != null) {
        throw entry.field("id").error(
            "'" + backend.id() + "' is listed twice (also at " + first + ")");
      }
      out.add(backend);
    }
    return out;
  }

  private static Backend backend(Cursor c) throws SnapshotFormatException {
    BackendId id = backendId(c.field("id"));
    String host = c.field("host").text();
    int port = (int) c.field("port").required().integer(1, 65535, 0);
    int weight = (int) c.field("weight").integer(1, Backend.MAX_WEIGHT, 1);
    BackendState state = c.field("state").oneOf(WireEnum.BACKEND_STATE, BackendState.ACTIVE);
    Instant drainDeadline = c.field("drainDeadline").instantOrNull();
    if (state == BackendState.DRAINING && drainDeadline == null) {
      throw c.field("drainDeadline").error("required when state is Draining");
    }
    try {
      return new Backend(id, host, port, weight, state, drainDeadline);
    } catch (IllegalArgumentException e) {
      throw c.error(e.getMessage());
    }
  }

  private static BackendId backendId(Cursor c) throws SnapshotFormatException {
    String value = c.text();
    try {
      return BackendId.of(value);
    } catch (IllegalArgumentException e) {
      throw c.error(e.getMessage());
    }
  }
}
