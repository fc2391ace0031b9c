package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * The forwarding fields of a request on its way to the backend (RFC 7239 and the X-Forwarded-*
 * convention): the client is appended to X-Forwarded-For and Forwarded; X-Forwarded-Proto and
 * X-Forwarded-Host are set unless a trusted proxy in front of us already did; a Forwarded list from
 * an untrusted client is replaced, not extended. Each field the proxy writes replaces the client's
 * lines of that name; the first of them is the prior value extended.
 *
 * <p>{@link #plan} before the client's lines are copied (it marks the lines it replaces), then
 * {@link #write}. One per {@link RequestShaper}; event-loop confined.
 */
final class ForwardingFields {
  private static final byte[] XFF = Ascii.bytes("x-forwarded-for: ");
  private static final byte[] XFP_HTTP = Ascii.bytes("x-forwarded-proto: http\r\n");
  private static final byte[] XFP_HTTPS = Ascii.bytes("x-forwarded-proto: https\r\n");
  private static final byte[] HTTPS = Ascii.bytes("https");
  private static final byte[] XFH = Ascii.bytes("x-forwarded-host: ");
  private static final byte[] FORWARDED = Ascii.bytes("forwarded: ");
  private static final byte[] COMMA = Ascii.bytes(", ");

  private int priorFor;
  private int priorForwarded;
  private boolean setProto;
  private boolean setHost;
  private boolean trustedSaysHttps;

  /** Decides which fields are set and marks the client's lines they replace in {@code dropped}. */
  void plan(RequestHead head, boolean[] dropped, boolean trusted) {
    FieldLines lines = head.lines();
    priorFor = -1;
    priorForwarded = -1;
    boolean hasProto = false;
    boolean hasHost = false;
    trustedSaysHttps = false;
    for (int i = 0; i < lines.count(); i++) {
      if (dropped[i]) {
        continue;
      }
      switch (lines.kind(i)) {
        case RequestHead.X_FORWARDED_FOR -> priorFor = priorFor < 0 ? i : priorFor;
        case RequestHead.FORWARDED -> priorForwarded = priorForwarded < 0 && trusted ? i : priorForwarded;
        case RequestHead.X_FORWARDED_PROTO -> {
          hasProto = true;
          trustedSaysHttps = trusted && Ascii.equalsIgnoreCase(head.buf(), lines.valueStart(i),
              lines.valueEnd(i), HTTPS);
        }
        case RequestHead.X_FORWARDED_HOST -> hasHost = true;
        default -> {
          continue;
        }
      }
    }
    setProto = !trusted || !hasProto;
    setHost = head.hasHost() && (!trusted || !hasHost);
    for (int i = 0; i < lines.count(); i++) {
      switch (lines.kind(i)) {
        case RequestHead.X_FORWARDED_FOR, RequestHead.FORWARDED -> dropped[i] = true;
        case RequestHead.X_FORWARDED_PROTO -> dropped[i] |= setProto;
        case RequestHead.X_FORWARDED_HOST -> dropped[i] |= setHost;
        default -> {
          continue;
        }
      }
    }
  }

  void write(RequestHead head, ProxyHeaders.ClientAddress client, ByteBuf out) {
    ByteBuf in = head.buf();
    out.writeBytes(XFF);
    if (priorFor >= 0 && head.lines().valueEnd(priorFor) > head.lines().valueStart(priorFor)) {
      writePrior(in, head.lines(), priorFor, out); // an empty X-Forwarded-For is none
    }
    out.writeBytes(client.ipBytes).writeBytes(Ascii.CRLF);
    if (setProto) {
      out.writeBytes(client.tls ? XFP_HTTPS : XFP_HTTP);
    }
    if (setHost) {
      out.writeBytes(XFH).writeBytes(in, head.hostStart(), head.hostEnd() - head.hostStart()).writeBytes(Ascii.CRLF);
    }
    out.writeBytes(FORWARDED);
    if (priorForwarded >= 0) {
      writePrior(in, head.lines(), priorForwarded, out); // even empty, as before
    }
    byte[] element = head.hasHost()
        ? client.forwardedElement(in, head.hostStart(), head.hostEnd())
        : client.forwardedElement(in, -1, -1);
    out.writeBytes(element).writeBytes(Ascii.CRLF);
  }

  /**
   * After {@link #plan}: whether the client's scheme is https, as this proxy saw it (TLS) or, when
   * a trusted proxy in front of us set X-Forwarded-Proto, as that one did. The affinity cookie is
   * then marked Secure.
   */
  boolean clientHttps(ProxyHeaders.ClientAddress client) {
    return setProto ? client.tls : trustedSaysHttps;
  }

  /** The prior value of line {@code i} and a comma. */
  private static void writePrior(ByteBuf in, FieldLines lines, int i, ByteBuf out) {
    out.writeBytes(in, lines.valueStart(i), lines.valueEnd(i) - lines.valueStart(i)).writeBytes(COMMA);
  }
}
