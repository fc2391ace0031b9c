package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * Sorts a response header name into what the proxy does with it: hop-by-hop fields stop here
 * (RFC 9110 7.6.1), framing and caching fields are read, every other field passes as it came.
 */
final class HeaderKinds {
  private static final byte[] TE = Ascii.bytes("te");
  private static final byte[] TRAILER = Ascii.bytes("trailer");
  private static final byte[] UPGRADE = Ascii.bytes("upgrade");
  private static final byte[] CONNECTION = Ascii.bytes("connection");
  private static final byte[] KEEP_ALIVE = Ascii.bytes("keep-alive");
  private static final byte[] CACHE_CONTROL = Ascii.bytes("cache-control");
  private static final byte[] CONTENT_LENGTH = Ascii.bytes("content-length");
  private static final byte[] PROXY_CONNECTION = Ascii.bytes("proxy-connection");
  private static final byte[] TRANSFER_ENCODING = Ascii.bytes("transfer-encoding");
  private static final byte[] PROXY_AUTHENTICATE = Ascii.bytes("proxy-authenticate");
  private static final byte[] HOST = Ascii.bytes("host");

  private HeaderKinds() {}

  static byte of(ByteBuf buf, int from, int to) {
    switch (to - from) {
      case 2:
        return is(buf, from, to, TE, ResponseHead.HOP_BY_HOP);
      case 7:
        byte k = is(buf, from, to, UPGRADE, ResponseHead.UPGRADE);
        return k != ResponseHead.OTHER ? k : is(buf, from, to, TRAILER, ResponseHead.HOP_BY_HOP);
      case 10:
        k = is(buf, from, to, CONNECTION, ResponseHead.CONNECTION);
        return k != ResponseHead.OTHER ? k : is(buf, from, to, KEEP_ALIVE, ResponseHead.HOP_BY_HOP);
      case 13:
        return is(buf, from, to, CACHE_CONTROL, ResponseHead.CACHE_CONTROL);
      case 14:
        return is(buf, from, to, CONTENT_LENGTH, ResponseHead.CONTENT_LENGTH);
      case 16:
        return is(buf, from, to, PROXY_CONNECTION, ResponseHead.HOP_BY_HOP);
      case 17:
        return is(buf, from, to, TRANSFER_ENCODING, ResponseHead.TRANSFER_ENCODING);
      case 18:
        return is(buf, from, to, PROXY_AUTHENTICATE, ResponseHead.HOP_BY_HOP);
      default:
        return ResponseHead.OTHER;
    }
  }

  private static byte is(ByteBuf buf, int from, int to, byte[] name, byte kind) {
    return Ascii.equalsIgnoreCase(buf, from, to, name) ? kind : ResponseHead.OTHER;
  }

  /**
   * Fields a Connection header may not take away: the framing and the host (see ProxyHeaders).
   */
  static boolean isEndToEnd(ByteBuf buf, int from, int to) {
    byte k = of(buf, from, to);
    return k == ResponseHead.CONTENT_LENGTH || k == ResponseHead.TRANSFER_ENCODING
        || Ascii.equalsIgnoreCase(buf, from, to, HOST);
  }
}
