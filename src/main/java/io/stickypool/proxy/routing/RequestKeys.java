package io.stickypool.proxy.routing;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/** Pulls affinity keys out of requests: cookie values and the effective client address. */
final class RequestKeys {
  private RequestKeys() {}

  /** The value of cookie {@code name} in the request's Cookie header(s), or null. */
  static String cookie(HttpHeaders headers, String name) {
    List<String> all = headers.getAll(HttpHeaderNames.COOKIE);
    for (int h = 0; h < all.size(); h++) {
      String v = cookieIn(all.get(h), name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  static String cookieIn(String header, String name) {
    int i = 0;
    int n = header.length();
    while (i < n) {
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
        i++;
      }
      int end = header.indexOf(';', i);
      if (end < 0) {
        end = n;
      }
      int eq = header.indexOf('=', i);
      if (eq > i && eq < end && eq - i == name.length() && header.regionMatches(i, name, 0, name.length())) {
        int vs = eq + 1;
        int ve = end;
        while (ve > vs && header.charAt(ve - 1) == ' ') {
          ve--;
        }
        if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
          vs++;
          ve--;
        }
        return header.substring(vs, ve);
      }
      i = end + 1;
    }
    return null;
  }

  /**
   * Removes cookie {@code name} from the Cookie header(s) before the request goes to the backend
   * (the application never sees the proxy's cookie, as HAProxy's {@code indirect}).
   */
  static void stripCookie(HttpHeaders headers, String name) {
    List<String> all = headers.getAll(HttpHeaderNames.COOKIE);
    if (all.isEmpty()) {
      return;
    }
    boolean found = false;
    for (String h : all) {
      found |= cookieIn(h, name) != null;
    }
    if (!found) {
      return;
    }
    StringBuilder kept = new StringBuilder();
    for (String h : all) {
      for (String part : h.split(";")) {
        String p = part.trim();
        if (p.isEmpty() || (p.startsWith(name) && p.length() > name.length() && p.charAt(name.length()) == '=')) {
          continue;
        }
        if (kept.length() > 0) {
          kept.append("; ");
        }
        kept.append(p);
      }
    }
    if (kept.length() == 0) {
      headers.remove(HttpHeaderNames.COOKIE);
    } else {
      headers.set(HttpHeaderNames.COOKIE, kept.toString());
    }
  }

  /**
   * The client's address for client-IP affinity: the peer address, or, when the peer is a trusted
   * proxy, the right-most X-Forwarded-For entry that is not itself a trusted proxy (the left-most
   * entries are whatever the client chose to send, so they are never believed blindly).
   */
  static String clientIp(InetSocketAddress peer, HttpHeaders headers, CidrSet trusted) {
    InetAddress peerAddress = peer.getAddress();
    String peerIp = peerAddress != null ? NetUtil.toAddressString(peerAddress) : peer.getHostString();
    if (trusted.isEmpty() || !trusted.contains(peerAddress)) {
      return peerIp;
    }
    List<String> xff = headers.getAll("X-Forwarded-For");
    for (int h = xff.size() - 1; h >= 0; h--) {
      String[] hops = xff.get(h).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        if (hop.isEmpty()) {
          continue;
        }
        if (!trusted.contains(hop)) {
          return NetUtil.isValidIpV4Address(hop) || NetUtil.isValidIpV6Address(hop) ? hop : peerIp;
        }
      }
    }
    return peerIp;
  }
}
