package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * The Connection field of a response: close and keep-alive decide the backend connection's reuse;
 * any other name listed makes that field hop-by-hop, so it stops at the proxy (RFC 9110 7.6.1).
 */
final class ConnectionListing {
  private static final byte[] CLOSE = Ascii.bytes("close");
  private static final byte[] KEEP_ALIVE = Ascii.bytes("keep-alive");
  private static final byte[] UPGRADE = Ascii.bytes("upgrade");

  private ConnectionListing() {}

  static void read(ResponseHead head, int from, int to) {
    ByteBuf buf = head.buf();
    boolean close = false;
    boolean keepAlive = false;
    boolean others = false;
    int start = from;
    while (start <= to) {
      int comma = buf.indexOf(start, to, (byte) ',');
      int end = comma < 0 ? to : comma;
      int s = Ascii.skipWhitespace(buf, start, end);
      int e = Ascii.trimWhitespace(buf, s, end);
      if (Ascii.equalsIgnoreCase(buf, s, e, CLOSE)) {
        close = true;
      } else if (Ascii.equalsIgnoreCase(buf, s, e, KEEP_ALIVE)) {
        keepAlive = true;
      } else if (e > s && !Ascii.equalsIgnoreCase(buf, s, e, UPGRADE)) {
        others = true;
      }
      start = end + 1;
    }
    head.connectionTokens(close, keepAlive, others);
  }

  /** Marks the fields named in Connection as hop-by-hop (rare: only when it names any). */
  static void dropListed(ResponseHead head) {
    ByteBuf buf = head.buf();
    for (int c = 0; c < head.count(); c++) {
      if (head.kind(c) != ResponseHead.CONNECTION) {
        continue;
      }
      int start = head.lines().valueStart(c);
      int to = head.lines().valueEnd(c);
      while (start <= to) {
        int comma = buf.indexOf(start, to, (byte) ',');
        int end = comma < 0 ? to : comma;
        int s = Ascii.skipWhitespace(buf, start, end);
        int e = Ascii.trimWhitespace(buf, s, end);
        if (e > s && !HeaderKinds.isEndToEnd(buf, s, e) && !Ascii.equalsIgnoreCase(buf, s, e, UPGRADE)) {
          dropNamed(head, s, e);
        }
        start = end + 1;
      }
    }
  }

  /** Marks in {@code dropped} the request's fields named in its Connection fields. */
  static void dropListed(RequestHead head, boolean[] dropped) {
    ByteBuf buf = head.buf();
    FieldLines lines = head.lines();
    for (int c = 0; c < lines.count(); c++) {
      if (lines.kind(c) != RequestHead.CONNECTION) {
        continue;
      }
      int start = lines.valueStart(c);
      int to = lines.valueEnd(c);
      while (start <= to) {
        int comma = buf.indexOf(start, to, (byte) ',');
        int end = comma < 0 ? to : comma;
        int s = Ascii.skipWhitespace(buf, start, end);
        int e = Ascii.trimWhitespace(buf, s, end);
        if (e > s && !HeaderKinds.isEndToEnd(buf, s, e)) {
          for (int i = 0; i < lines.count(); i++) {
            dropped[i] |= sameName(buf, lines.lineStart(i), lines.nameEnd(i), s, e);
          }
        }
        start = end + 1;
      }
    }
  }

  private static boolean sameName(ByteBuf buf, int ns, int ne, int s, int e) {
    return ne - ns == e - s && sameIgnoreCase(buf, ns, s, e - s);
  }

  private static void dropNamed(ResponseHead head, int s, int e) {
    ByteBuf buf = head.buf();
    for (int i = 0; i < head.count(); i++) {
      int ns = head.lines().lineStart(i);
      int ne = head.lines().nameEnd(i);
      if (head.kind(i) != ResponseHead.CONNECTION && ne - ns == e - s && sameIgnoreCase(buf, ns, s, e - s)) {
        head.drop(i);
      }
    }
  }

  private static boolean sameIgnoreCase(ByteBuf buf, int a, int b, int len) {
    for (int i = 0; i < len; i++) {
      if (Ascii.lowerCase(buf.getByte(a + i)) != Ascii.lowerCase(buf.getByte(b + i))) {
        return false;
      }
    }
    return true;
  }
}
