package io.stickypool.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.List;

/**
 * The request path before the byte-level reader and shaper, kept as the reference the differential
 * tests compare them with: Netty's decoder as {@link StrictRequestDecoder} sets it up, {@link
 * RequestHeadCheck}, then these header rewrites on Netty's {@code HttpRequest} (hop-by-hop fields
 * stop here, the forwarding fields say who the client was, the proxy's cookie is cut out) before
 * Netty's {@code HttpRequestEncoder} wrote it to the backend.
 */
final class OldRequestPath {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString FORWARDED = AsciiString.cached("forwarded");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString HTTP = AsciiString.cached("http");

  private OldRequestPath() {}

  /**
   * Removes the hop-by-hop fields: those named in Connection, and the fixed set. Transfer-Encoding
   * stays because it is the message framing the codecs re-create on the next hop; Upgrade and
   * Connection: upgrade stay when {@code keepUpgrade} (a WebSocket switch the backend must see).
   */
  static void stripHopByHop(HttpMessage message, boolean keepUpgrade) {
    HttpHeaders h = message.headers();
    List<String> connection =
        h.contains(HttpHeaderNames.CONNECTION) ? h.getAll(HttpHeaderNames.CONNECTION) : List.of();
    if (!connection.isEmpty()) {
      for (String value : connection) {
        for (String token : value.split(",")) {
          String name = token.trim();
          if (!name.isEmpty() && !isEndToEnd(name) && !(keepUpgrade && name.equalsIgnoreCase("upgrade"))) {
            h.remove(name);
          }
        }
      }
      h.remove(HttpHeaderNames.CONNECTION);
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove(PROXY_CONNECTION);
    h.remove(HttpHeaderNames.TE);
    h.remove(HttpHeaderNames.TRAILER);
    h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
    if (keepUpgrade) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      if (message instanceof HttpRequest) {
        h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET); // only the protocol we tunnel
      }
    } else {
      h.remove(HttpHeaderNames.UPGRADE);
    }
  }

  /**
   * Fields a Connection header may not take away: the framing and the host. A request saying
   * {@code Connection: Content-Length} would otherwise reach the backend without the length the
   * proxy framed its body by, and the body would be read there as the next request.
   */
  private static boolean isEndToEnd(String name) {
    return HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
        || HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
        || HttpHeaderNames.HOST.contentEqualsIgnoreCase(name);
  }

  /**
   * Whether the request is a WebSocket opening handshake (RFC 6455 4.1: a GET, no body, Upgrade
   * naming websocket, Connection listing upgrade): the only protocol switch the proxy tunnels.
   * Any other Upgrade (h2c among them) is dropped with its Connection listing, so the backend
   * answers over HTTP/1.1 and every byte keeps passing through the proxy's parser.
   */
  static boolean isWebSocketUpgrade(HttpRequest request) {
    HttpHeaders h = request.headers();
    return request.method().equals(HttpMethod.GET)
        && h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && !h.contains(HttpHeaderNames.TRANSFER_ENCODING)
        && h.getInt(HttpHeaderNames.CONTENT_LENGTH, 0) == 0;
  }

  /** Whether a 101 answer switches to WebSocket, the protocol the request asked for. */
  static boolean switchesToWebSocket(HttpHeaders response) {
    return response.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /**
   * Appends the client to X-Forwarded-For and Forwarded, and sets X-Forwarded-Proto and
   * X-Forwarded-Host unless a trusted proxy in front of us already did.
   */
  static void addForwarded(HttpRequest request, ClientAddress client, boolean clientIsTrusted) {
    HttpHeaders h = request.headers();
    String prior = h.get(X_FORWARDED_FOR);
    h.set(X_FORWARDED_FOR, prior == null || prior.isBlank() ? client.ip : prior + ", " + client.ip);
    if (!clientIsTrusted || !h.contains(X_FORWARDED_PROTO)) {
      h.set(X_FORWARDED_PROTO, HTTP);
    }
    String host = h.get(HttpHeaderNames.HOST);
    if (host != null && (!clientIsTrusted || !h.contains(X_FORWARDED_HOST))) {
      h.set(X_FORWARDED_HOST, host);
    }
    String element = client.forwardedElement(host);
    String priorForwarded = clientIsTrusted ? h.get(FORWARDED) : null;
    h.set(FORWARDED, priorForwarded == null ? element : priorForwarded + ", " + element);
  }

  /**
   * The client of one connection as the forwarding headers name it, computed once per connection
   * (and once per distinct Host) rather than per request. Event-loop confined.
   */
  static final class ClientAddress {
    final InetSocketAddress socket;
    final String ip;
    private final String forValue;
    private String lastHost;
    private String lastElement;

    ClientAddress(InetSocketAddress socket) {
      this.socket = socket;
      this.ip = ProxyHeaders.clientIp(socket);
      InetAddress address = socket.getAddress();
      this.forValue = address != null && address.getAddress().length == 16 ? "\"[" + ip + "]\"" : ip;
    }

    String forwardedElement(String host) {
      if (lastElement != null && java.util.Objects.equals(host, lastHost)) {
        return lastElement;
      }
      StringBuilder sb = new StringBuilder(48).append("for=").append(forValue).append(";proto=http");
      if (host != null && ProxyHeaders.isForwardedToken(host)) {
        sb.append(";host=").append(host);
      } else if (host != null) {
        sb.append(";host=\"").append(host.replace("\\", "").replace("\"", "")).append('"');
      }
      lastHost = host;
      lastElement = sb.toString();
      return lastElement;
    }
  }

  // The cookie handling of the old RequestKeys (a String per Cookie field)

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
}
