package io.stickypool.proxy.routing;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.route.RoutingTable;
import io.stickypool.core.snapshot.CookieLifetime;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.SameSite;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * What the request path reads through one volatile field: the core routing table plus the proxy's
 * own per-snapshot precomputations (resolved backend addresses, the Set-Cookie attribute suffix,
 * the trusted-proxy blocks). Immutable; built off the event loops.
 */
public final class CompiledRoutes {
  private final RoutingTable table;
  private final Map<BackendId, InetSocketAddress> addresses;
  private final String cookieAttributes;
  private final CidrSet trustedProxies;

  CompiledRoutes(RoutingTable table) {
    this.table = table;
    Map<BackendId, InetSocketAddress> resolved = new HashMap<>();
    for (Backend b : table.backends()) {
      resolved.put(b.id(), new InetSocketAddress(b.host(), b.port()));
    }
    this.addresses = Map.copyOf(resolved);
    this.cookieAttributes = cookieAttributes(table.snapshot().affinity().cookie());
    this.trustedProxies = new CidrSet(table.snapshot().affinity().trustedProxies());
  }

  public RoutingTable table() {
    return table;
  }

  InetSocketAddress address(Backend backend) {
    InetSocketAddress a = addresses.get(backend.id());
    return a != null ? a : new InetSocketAddress(backend.host(), backend.port());
  }

  /** {@code ; Path=/; HttpOnly; ...} for the affinity cookie, computed once per snapshot. */
  String cookieAttributes() {
    return cookieAttributes;
  }

  /** Whether a peer is one of the trusted proxies whose forwarding headers are kept. */
  public boolean trustsProxy(java.net.InetAddress address) {
    return trustedProxies.contains(address);
  }

  CidrSet trustedProxies() {
    return trustedProxies;
  }

  static String cookieAttributes(CookieSettings c) {
    StringBuilder sb = new StringBuilder("; Path=").append(c.path());
    if (c.domain() != null) {
      sb.append("; Domain=").append(c.domain());
    }
    if (c.lifetime() == CookieLifetime.PERMANENT) {
      sb.append("; Max-Age=").append(c.absoluteTimeout().toSeconds());
    }
    if (c.secure()) {
      sb.append("; Secure");
    }
    if (c.httpOnly()) {
      sb.append("; HttpOnly");
    }
    if (c.sameSite() != SameSite.UNSET) {
      sb.append("; SameSite=").append(c.sameSite().attributeValue());
    }
    return sb.toString();
  }
}
