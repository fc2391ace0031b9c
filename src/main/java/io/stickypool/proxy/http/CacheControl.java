package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * Cache-Control for a response that carries a new affinity cookie (RFC 9111 5.2.2). Such a
 * response must not be stored by a shared cache, or the cache would hand one client's cookie to
 * the next. HAProxy's {@code nocache} adds {@code Cache-Control: private} when the response was
 * cacheable; so do we, and we also drop {@code public} and {@code s-maxage}, which would otherwise
 * stand beside {@code private} and leave the cache to pick one reading. {@code Vary} is left alone:
 * with {@code private} no shared cache keeps the response, and a {@code Vary: Cookie} would only
 * cost the client's own cache its hits.
 */
final class CacheControl {
  private static final byte[] PRIVATE = Ascii.bytes("private");
  private static final byte[] NO_STORE = Ascii.bytes("no-store");
  private static final byte[] PUBLIC = Ascii.bytes("public");
  private static final byte[] S_MAXAGE = Ascii.bytes("s-maxage");
  private static final byte[] COMMA = Ascii.bytes(", ");
  static final byte[] NAME = Ascii.bytes("Cache-Control: ");
  static final byte[] PRIVATE_LINE = Ascii.bytes("Cache-Control: private\r\n");

  private CacheControl() {}

  /** Whether the directives in {@code buf[from, to)} already keep shared caches from storing it. */
  static boolean keepsOutOfSharedCaches(ByteBuf buf, int from, int to) {
    int start = from;
    while (start < to) {
      int end = directiveEnd(buf, start, to);
      int nameEnd = nameEnd(buf, start, end);
      int s = Ascii.skipWhitespace(buf, start, nameEnd);
      int e = Ascii.trimWhitespace(buf, s, nameEnd);
      if (Ascii.equalsIgnoreCase(buf, s, e, PRIVATE) || Ascii.equalsIgnoreCase(buf, s, e, NO_STORE)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /**
   * Writes the Cache-Control line {@code buf[from, to)} without the directives that address shared
   * caches; writes nothing when none other is left.
   */
  static void writeForPrivate(ByteBuf buf, int from, int to, ByteBuf out) {
    int start = from;
    boolean first = true;
    while (start < to) {
      int end = directiveEnd(buf, start, to);
      int nameEnd = nameEnd(buf, start, end);
      int s = Ascii.skipWhitespace(buf, start, nameEnd);
      int e = Ascii.trimWhitespace(buf, s, nameEnd);
      if (e > s && !Ascii.equalsIgnoreCase(buf, s, e, PUBLIC) && !Ascii.equalsIgnoreCase(buf, s, e, S_MAXAGE)) {
        out.writeBytes(first ? NAME : COMMA);
        out.writeBytes(buf, s, Ascii.trimWhitespace(buf, s, end) - s);
        first = false;
      }
      start = end + 1;
    }
    if (!first) {
      out.writeBytes(Ascii.CRLF);
    }
  }


  /** The comma ending the directive starting at {@code from}, outside quoted strings; or {@code to}. */
  private static int directiveEnd(ByteBuf buf, int from, int to) {
    boolean quoted = false;
    for (int i = from; i < to; i++) {
      byte b = buf.getByte(i);
      if (quoted && b == '\\') {
        i++;
      } else if (b == '"') {
        quoted = !quoted;
      } else if (b == ',' && !quoted) {
        return i;
      }
    }
    return to;
  }

  private static int nameEnd(ByteBuf buf, int from, int to) {
    int eq = buf.indexOf(from, to, (byte) '=');
    return eq < 0 ? to : eq;
  }
}
