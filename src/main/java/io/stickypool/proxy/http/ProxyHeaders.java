package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Who the client was, as the forwarding fields name it (RFC 7239, X-Forwarded-*): computed once per
 * connection, and the Forwarded element once per distinct Host, rather than per request.
 */
final class ProxyHeaders {
  private ProxyHeaders() {}

  /** The client of one connection as the forwarding headers name it. Event-loop confined. */
  static final class ClientAddress {
    final InetSocketAddress socket;
    final String ip;
    final byte[] ipBytes;
    /** Whether the client reached us over TLS: X-Forwarded-Proto and Forwarded then say https. */
    final boolean tls;
    private final String forValue;
    private byte[] lastHost;
    private boolean lastHadHost;
    private byte[] lastElement;

    ClientAddress(InetSocketAddress socket) {
      this(socket, false);
    }

    ClientAddress(InetSocketAddress socket, boolean tls) {
      this.socket = socket;
      this.tls = tls;
      this.ip = clientIp(socket);
      this.ipBytes = Ascii.bytes(ip);
      InetAddress address = socket.getAddress();
      this.forValue = address != null && address.getAddress().length == 16 ? "\"[" + ip + "]\"" : ip;
    }

    /** The Forwarded element for a request whose host is {@code buf[from, to)}, or none when from < 0. */
    byte[] forwardedElement(ByteBuf buf, int from, int to) {
      boolean hasHost = from >= 0;
      if (lastElement != null && hasHost == lastHadHost && (!hasHost || Ascii.equals(buf, from, to, lastHost))) {
        return lastElement;
      }
      String host = hasHost ? buf.toString(from, to - from, StandardCharsets.ISO_8859_1) : null;
      StringBuilder sb = new StringBuilder(48).append("for=").append(forValue).append(tls ? ";proto=https" : ";proto=http");
      if (host != null && isForwardedToken(host)) {
        sb.append(";host=").append(host);
      } else if (host != null) {
        sb.append(";host=\"").append(host.replace("\\", "").replace("\"", "")).append('"');
      }
      lastHadHost = hasHost;
      lastHost = hasHost ? host.getBytes(StandardCharsets.ISO_8859_1) : null;
      lastElement = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
      return lastElement;
    }
  }

  static boolean isForwardedToken(String s) {
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
