package io.stickypool.proxy.routing;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
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
    int i = findPair(header, name, 0);
    if (i < 0) {
      return null;
    }
    int vs = i + name.length() + 1;
    int ve = pairEnd(header, i);
    while (ve > vs && header.charAt(ve - 1) == ' ') {
      ve--;
    }
    if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
      vs++;
      ve--;
    }
    return header.substring(vs, ve);
  }

  private static boolean isBlank(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) != ' ' && s.charAt(i) != ';') {
        return false;
      }
    }
    return true;
  }

  /** Where the next cookie pair named {@code name} starts at or after {@code from}, or -1. */
  private static int findPair(String header, String name, int from) {
    int i = from;
    int n = header.length();
    while (i < n) {
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
        i++;
      }
      int end = pairEnd(header, i);
      int eq = header.indexOf('=', i);
      if (eq > i && eq < end && eq - i == name.length() && header.regionMatches(i, name, 0, name.length())) {
        return i;
      }
      i = end + 1;
    }
    return -1;
  }

  private static int pairEnd(String header, int start) {
    int end = header.indexOf(';', start);
    return end < 0 ? header.length() : end;
  }

  /**
   * Removes cookie {@code name} from the Cookie header(s) before the request goes to the backend
   * (the application never sees the proxy's cookie, as HAProxy's {@code indirect}). The other
   * cookies stay as the client wrote them: only the pair and its separator are cut out.
   */
  static void stripCookie(HttpHeaders headers, String name) {
    int fields = 0;
    String only = null;
    boolean found = false;
    for (Iterator<String> it = headers.valueStringIterator(HttpHeaderNames.COOKIE); it.hasNext(); ) {
      only = it.next();
      fields++;
      found |= findPair(only, name, 0) >= 0;
    }
    if (!found) {
      return;
    }
    if (fields == 1) {
      setOrRemove(headers, without(only, name));
      return;
    }
    List<String> all = headers.getAll(HttpHeaderNames.COOKIE);
    headers.remove(HttpHeaderNames.COOKIE);
    for (String h : all) {
      String kept = without(h, name);
      if (!kept.isEmpty()) {
        headers.add(HttpHeaderNames.COOKIE, kept);
      }
    }
  }

  private static void setOrRemove(HttpHeaders headers, String cookie) {
    if (cookie.isEmpty()) {
      headers.remove(HttpHeaderNames.COOKIE);
    } else {
      headers.set(HttpHeaderNames.COOKIE, cookie);
    }
  }

  /** {@code header} without the pairs named {@code name}; the same String when it has none. */
  static String without(String header, String name) {
    int i = findPair(header, name, 0);
    if (i < 0) {
      return header;
    }
    int n = header.length();
    if (i == 0 && isBlank(header, pairEnd(header, 0))) {
      return ""; // the proxy's cookie was the only one: the common case, nothing to build
    }
    StringBuilder out = new StringBuilder(n);
    int copied = 0;
    while (i >= 0) {
      out.append(header, copied, i);
      copied = pairEnd(header, i);
      while (copied < n && (header.charAt(copied) == ';' || header.charAt(copied) == ' ')) {
        copied++;
      }
      i = findPair(header, name, copied);
    }
    out.append(header, copied, n);
    int len = out.length();
    while (len > 0 && (out.charAt(len - 1) == ' ' || out.charAt(len - 1) == ';')) {
      len--;
    }
    out.setLength(len);
    return out.toString();
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
