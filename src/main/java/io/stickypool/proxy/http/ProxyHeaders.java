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
import java.util.List;

/**
 * Header rewriting at the proxy boundary (RFC 9110 7.6): hop-by-hop fields stop here, the
 * forwarding fields say who the client was.
 */
final class ProxyHeaders {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString FORWARDED = AsciiString.cached("forwarded");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString HTTPS = AsciiString.cached("https");

  private ProxyHeaders() {}

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
      h.set(X_FORWARDED_PROTO, client.tls ? HTTPS : HTTP);
    }
    String host = h.get(HttpHeaderNames.HOST);
    if (host != null && (!clientIsTrusted || !h.contains(X_FORWARDED_HOST))) {
      h.set(X_FORWARDED_HOST, host);
    }
    String element = client.forwardedElement(host);
    String priorForwarded = clientIsTrusted ? h.get(FORWARDED) : null;
    h.set(FORWARDED, priorForwarded == null ? element : priorForwarded + ", " + element);
  }

  /** After {@link #addForwarded}: the client's scheme, as this proxy or a trusted one in front saw it. */
  static boolean isHttps(HttpRequest request) {
    return HTTPS.contentEqualsIgnoreCase(request.headers().get(X_FORWARDED_PROTO, ""));
  }

  /**
   * The client of one connection as the forwarding headers name it, computed once per connection
   * (and once per distinct Host) rather than per request. Event-loop confined.
   */
  static final class ClientAddress {
    final InetSocketAddress socket;
    final String ip;
    final boolean tls;
    private final String forValue;
    private String lastHost;
    private String lastElement;

    ClientAddress(InetSocketAddress socket) {
      this(socket, false);
    }

    ClientAddress(InetSocketAddress socket, boolean tls) {
      this.socket = socket;
      this.tls = tls;
      this.ip = clientIp(socket);
      InetAddress address = socket.getAddress();
      this.forValue = address != null && address.getAddress().length == 16 ? "\"[" + ip + "]\"" : ip;
    }

    String forwardedElement(String host) {
      if (lastElement != null && java.util.Objects.equals(host, lastHost)) {
        return lastElement;
      }
      StringBuilder sb = new StringBuilder(48).append("for=").append(forValue).append(tls ? ";proto=https" : ";proto=http");
      if (host != null && isForwardedToken(host)) {
        sb.append(";host=").append(host);
      } else if (host != null) {
        sb.append(";host=\"").append(host.replace("\\", "").replace("\"", "")).append('"');
      }
      lastHost = host;
      lastElement = sb.toString();
      return lastElement;
    }
  }

  private static boolean isForwardedToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  static String clientIp(InetSocketAddress client) {
    InetAddress address = client.getAddress();
    return address != null ? address.getHostAddress() : client.getHostString();
  }
}
