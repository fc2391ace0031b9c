package io.stickypool.contract;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.AffinityType;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.time.format.DateTimeFormatter;

/**
 * Builds the document tree of a snapshot. Field order is fixed by the code below (the order the
 * contract documents), backends come sorted by id from the snapshot itself, and null fields are
 * left out, so equal snapshots always give identical text.
 *
 * <p>The union members of {@code affinity}: {@code header} and {@code appCookie} are written for
 * their own type only (core keeps no key name otherwise). {@code cookie} and {@code clientIP} are
 * written for their own type and also whenever they differ from the defaults, because core keeps
 * them in every mode; leaving them out would make a read-back snapshot differ from the one written.
 */
final class SnapshotWriter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SnapshotWriter() {}

  static ObjectNode write(RoutingSnapshot snapshot) {
    ObjectNode root = NODES.objectNode();
    root.put("schemaVersion", SnapshotReader.SCHEMA_VERSION);
    root.put("version", snapshot.version());
    root.set("affinity", affinity(snapshot.affinity()));
    root.putObject("placement")
        .put("boundedLoadFactor", snapshot.placement().boundedLoadFactor());
    ArrayNode backends = root.putArray("backends");
    for (Backend backend : snapshot.backends()) {
      backends.add(backend(backend));
    }
    return root;
  }

  private static ObjectNode affinity(AffinitySettings affinity) {
    AffinityType type = affinity.type();
    ObjectNode out = NODES.objectNode();
    out.put("type", WireEnum.AFFINITY_TYPE.name(type));
    if (type == AffinityType.COOKIE || !affinity.cookie().equals(CookieSettings.defaults())) {
      out.set("cookie", cookie(affinity.cookie()));
    }
    if (type == AffinityType.HEADER) {
      out.putObject("header").put("name", affinity.keyName());
    }
    if (type == AffinityType.APP_COOKIE) {
      out.putObject("appCookie").put("name", affinity.keyName());
    }
    if (type == AffinityType.CLIENT_IP || !affinity.trustedProxies().isEmpty()) {
      ArrayNode proxies = out.putObject("clientIP").putArray("trustedProxies");
      affinity.trustedProxies().forEach(proxies::add);
    }
    return out;
  }

  private static ObjectNode cookie(CookieSettings cookie) {
    ObjectNode out = NODES.objectNode();
    out.put("name", cookie.name());
    out.put("path", cookie.path());
    if (cookie.domain() != null) {
      out.put("domain", cookie.domain());
    }
    out.put("lifetimeType", WireEnum.COOKIE_LIFETIME.name(cookie.lifetime()));
    out.put("absoluteTimeout", GoDurations.format(cookie.absoluteTimeout()));
    out.put("idleTimeout", GoDurations.format(cookie.idleTimeout()));
    out.put("secure", cookie.secure());
    out.put("httpOnly", cookie.httpOnly());
    out.put("sameSite", WireEnum.SAME_SITE.name(cookie.sameSite()));
    return out;
  }

  private static ObjectNode backend(Backend backend) {
    ObjectNode out = NODES.objectNode();
    out.put("id", backend.id().value());
    out.put("host", backend.host());
    out.put("port", backend.port());
    out.put("weight", backend.weight());
    out.put("state", WireEnum.BACKEND_STATE.name(backend.state()));
    if (backend.drainDeadline() != null) {
      out.put("drainDeadline", DateTimeFormatter.ISO_INSTANT.format(backend.drainDeadline()));
    }
    return out;
  }
}
