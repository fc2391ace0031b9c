package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * The pairs of a Cookie field value (RFC 6265 5.4: {@code name=value} separated by ';' and
 * spaces), read and cut straight on the head's bytes: finding the affinity cookie and removing it
 * before the request goes on (the application never sees the proxy's cookie, as HAProxy's
 * {@code indirect}) split nothing into Strings. Names compare exactly (cookie names are
 * case-sensitive).
 */
final class CookiePairs {
  private CookiePairs() {}

  /** Where the next pair named {@code name} starts in {@code buf[from, to)}, or -1. */
  static int find(ByteBuf buf, int from, int to, CharSequence name) {
    int i = from;
    while (i < to) {
      while (i < to && isSeparator(buf.getByte(i))) {
        i++;
      }
      int end = pairEnd(buf, i, to);
      if (end - i > name.length() && buf.getByte(i + name.length()) == '=' && named(buf, i, name)) {
        return i;
      }
      i = end + 1;
    }
    return -1;
  }

  /**
   * The value that starts at {@code vs} (just after its '='), up to its ';', trailing spaces and
   * surrounding quotes removed, as a view over the bytes.
   */
  static CharSequence value(RequestHead.ByteRange view, ByteBuf buf, int vs, int to) {
    int ve = pairEnd(buf, vs, to);
    while (ve > vs && buf.getByte(ve - 1) == ' ') {
      ve--;
    }
    if (ve - vs >= 2 && buf.getByte(vs) == '"' && buf.getByte(ve - 1) == '"') {
      vs++;
      ve--;
    }
    return view.of(buf, vs, ve);
  }

  /**
   * Writes {@code buf[from, to)} without the pairs named {@code name}: the other pairs stay as the
   * client wrote them, only a removed pair and its separators are cut (a value without the pair is
   * written as it came). Returns false, having written nothing, when nothing is left.
   */
  static boolean writeWithout(ByteBuf buf, int from, int to, CharSequence name, ByteBuf out) {
    int i = find(buf, from, to, name);
    if (i < 0) {
      out.writeBytes(buf, from, to - from);
      return to > from;
    }
    int mark = out.writerIndex();
    int copied = from;
    while (i >= 0) {
      out.writeBytes(buf, copied, i - copied);
      copied = pairEnd(buf, i, to);
      while (copied < to && isSeparator(buf.getByte(copied))) {
        copied++;
      }
      i = find(buf, copied, to, name);
    }
    out.writeBytes(buf, copied, to - copied);
    int end = out.writerIndex();
    while (end > mark && isSeparator(out.getByte(end - 1))) {
      end--;
    }
    out.writerIndex(end);
    return end > mark;
  }

  private static boolean named(ByteBuf buf, int at, CharSequence name) {
    for (int k = 0; k < name.length(); k++) {
      if (buf.getByte(at + k) != (byte) name.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSeparator(byte b) {
    return b == ' ' || b == ';';
  }

  private static int pairEnd(ByteBuf buf, int start, int to) {
    int end = buf.indexOf(start, to, (byte) ';');
    return end < 0 ? to : end;
  }
}
