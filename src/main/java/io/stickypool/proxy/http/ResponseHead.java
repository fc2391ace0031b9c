package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * A backend's response head read straight from the bytes: the status line, where each header line
 * lies, and what framing, connection handling and caching need, without building a header map or
 * a String per field. The lines are forwarded as the original bytes (see {@link ResponseShaper}).
 *
 * <p>Refuses everything Netty's response decoder refused (ResponseHeadDifferentialTest checks
 * it): bare LF line ends, more than one Content-Length, a Content-Length that is not a number,
 * Transfer-Encoding beside Content-Length, in HTTP/1.0, or with chunked not once and last. It is
 * stricter where a proxy may not pass a line on as it is (RFC 9112 5.2, 4): obs-fold, control
 * characters, a field line without a token name and colon, a status code not of three digits.
 * Whitespace before the colon is allowed and removed on the way out (RFC 9112 5.1).
 *
 * <p>Reused for every response of one backend connection; valid only during the callback it is
 * passed to. Event-loop confined.
 */
final class ResponseHead {
  /** The status line and the header section together, as Netty's 4096 + 16384 limits were. */
  static final int MAX_BYTES = 20 * 1024;

  static final byte OTHER = 0;
  static final byte CONNECTION = 1;
  static final byte HOP_BY_HOP = 2;
  static final byte UPGRADE = 3;
  static final byte TRANSFER_ENCODING = 4;
  static final byte CONTENT_LENGTH = 5;
  static final byte CACHE_CONTROL = 6;

  /** How the body after the head ends. */
  enum Framing {
    NONE,
    LENGTH,
    CHUNKED,
    UNTIL_CLOSE
  }

  private ByteBuf buf;
  private int statusStart;
  private int statusEnd;
  private int versionMinor;
  private int status;
  private final FieldLines lines = new FieldLines();
  private long contentLength;
  private boolean transferEncoding;
  private boolean chunked;
  private int chunkedCodings;
  private boolean connectionClose;
  private boolean connectionKeepAlive;
  private boolean connectionNamesFields;
  private boolean upgradeWebSocket;
  private boolean cacheControlPrivate;
  private String error;

  /** Index just after the empty line that ends the head starting at {@code from}, or -1. */
  static int findEnd(ByteBuf buf, int from, int to) {
    int line = from;
    while (line < to) {
      int lf = buf.indexOf(line, to, (byte) '\n');
      if (lf < 0) {
        return -1;
      }
      int len = lf - line;
      if (line != from && (len == 0 || (len == 1 && buf.getByte(line) == '\r'))) {
        return lf + 1;
      }
      line = lf + 1;
    }
    return -1;
  }

  /** Parses the head in {@code buf[from, to)} (ending with its empty line); false when invalid. */
  boolean parse(ByteBuf buf, int from, int to) {
    reset(buf);
    int lf = buf.indexOf(from, to, (byte) '\n');
    if (!parseStatusLine(from, contentEnd(from, lf))) {
      return false;
    }
    int line = lf + 1;
    while (true) {
      lf = buf.indexOf(line, to, (byte) '\n');
      int end = contentEnd(line, lf);
      if (end == line) {
        break;
      }
      if (end < 0 || !parseField(line, end, lf + 1)) {
        return error == null ? fail("malformed header line") : false;
      }
      line = lf + 1;
    }
    if (transferEncoding && !framingIsClear()) {
      return false;
    }
    if (connectionNamesFields) {
      ConnectionListing.dropListed(this);
    }
    return true;
  }

  /**
   * Transfer-Encoding leaves one reading only when chunked, if there, is the last coding and comes
   * once, with no Content-Length beside it, in HTTP/1.1 (RFC 9112 6.1, 6.3); Netty's decoder refuses
   * the rest, and so does the proxy rather than guess where the body ends.
   */
  private boolean framingIsClear() {
    if (versionMinor == 0) {
      return fail("Transfer-Encoding in an HTTP/1.0 response");
    }
    if (contentLength >= 0) {
      return fail("both Transfer-Encoding and Content-Length");
    }
    if (chunkedCodings > 1 || (chunkedCodings == 1 && !chunked)) {
      return fail("chunked is not the last transfer coding, or comes twice");
    }
    return true;
  }

  private void reset(ByteBuf b) {
    buf = b;
    lines.clear();
    contentLength = -1;
    transferEncoding = false;
    chunked = false;
    chunkedCodings = 0;
    connectionClose = false;
    connectionKeepAlive = false;
    connectionNamesFields = false;
    upgradeWebSocket = false;
    cacheControlPrivate = false;
    error = null;
  }

  /**
   * The end of a line's content, before its CR LF; -1 when it ends in a bare LF or has a bare CR
   * inside (Netty's decoder refuses both too).
   */
  private int contentEnd(int start, int lf) {
    if (lf <= start || buf.getByte(lf - 1) != '\r') {
      return -1;
    }
    return buf.indexOf(start, lf - 1, (byte) '\r') >= 0 ? -1 : lf - 1;
  }

  private boolean parseStatusLine(int from, int end) {
    // HTTP/1.x SP 3DIGIT [ SP reason ]
    if (end < from + 12 || !Ascii.startsWith(buf, from, Ascii.HTTP_1_) || buf.getByte(from + 8) != ' ') {
      return fail("invalid status line");
    }
    byte minor = buf.getByte(from + 7);
    int code = (int) Ascii.digits(buf, from + 9, from + 12);
    if ((minor != '0' && minor != '1') || code < 100 || code > 999
        || (end > from + 12 && buf.getByte(from + 12) != ' ') || !Ascii.isFieldText(buf, from + 12, end)) {
      return fail("invalid status line");
    }
    versionMinor = minor - '0';
    status = code;
    statusStart = from + 8;
    statusEnd = end;
    return true;
  }

  private boolean parseField(int start, int end, int next) {
    int colon = start;
    while (colon < end && Ascii.isTokenChar(buf.getByte(colon))) {
      colon++;
    }
    int name = colon;
    while (colon < end && Ascii.isWhitespace(buf.getByte(colon))) {
      colon++; // whitespace before the colon: allowed in a response, removed when forwarded
    }
    if (name == start || colon == end || buf.getByte(colon) != ':') {
      return false; // also obs-fold: a line starting with whitespace has an empty name
    }
    int vs = Ascii.skipWhitespace(buf, colon + 1, end);
    int ve = Ascii.trimWhitespace(buf, vs, end);
    if (!Ascii.isFieldText(buf, vs, ve)) {
      return fail("control character in a header value");
    }
    byte k = HeaderKinds.of(buf, start, name);
    lines.add(start, name, vs, ve, next, k, name == colon);
    return understand(k, vs, ve);
  }

  private boolean understand(byte k, int vs, int ve) {
    switch (k) {
      case CONNECTION:
        ConnectionListing.read(this, vs, ve);
        return true;
      case UPGRADE:
        upgradeWebSocket |= Ascii.hasToken(buf, vs, ve, Ascii.WEBSOCKET);
        return true;
      case TRANSFER_ENCODING:
        transferEncoding = true;
        chunked = Ascii.lastTokenIs(buf, vs, ve, Ascii.CHUNKED);
        chunkedCodings += Ascii.countToken(buf, vs, ve, Ascii.CHUNKED);
        return true;
      case CONTENT_LENGTH:
        if (contentLength >= 0) {
          return fail("more than one Content-Length");
        }
        contentLength = Ascii.parseLength(buf, vs, ve);
        return contentLength >= 0 || fail("invalid Content-Length");
      case CACHE_CONTROL:
        cacheControlPrivate |= CacheControl.keepsOutOfSharedCaches(buf, vs, ve);
        return true;
      default:
        return true;
    }
  }

  private boolean fail(String why) {
    error = why;
    return false;
  }

  void connectionTokens(boolean close, boolean keepAlive, boolean namesFields) {
    connectionClose |= close;
    connectionKeepAlive |= keepAlive;
    connectionNamesFields |= namesFields;
  }

  /** How the body ends, given whether the request was HEAD (RFC 9112 6.3). */
  Framing framing(boolean headRequest) {
    if (headRequest || status < 200 || status == 204 || status == 304) {
      return Framing.NONE;
    }
    if (transferEncoding) {
      return chunked ? Framing.CHUNKED : Framing.UNTIL_CLOSE;
    }
    if (contentLength >= 0) {
      return contentLength == 0 ? Framing.NONE : Framing.LENGTH;
    }
    return Framing.UNTIL_CLOSE;
  }

  /** Whether the backend lets the connection carry another request after this response. */
  boolean keepAlive() {
    return !connectionClose && (versionMinor == 1 || connectionKeepAlive);
  }

  ByteBuf buf() {
    return buf;
  }

  String error() {
    return error == null ? "invalid response head" : error;
  }

  int status() {
    return status;
  }

  boolean upgradesToWebSocket() {
    return upgradeWebSocket;
  }

  boolean chunked() {
    return chunked;
  }

  long contentLength() {
    return contentLength;
  }

  boolean cacheControlPrivate() {
    return cacheControlPrivate;
  }

  /** From the space after the version to the end of the status line (code and reason). */
  int statusStart() {
    return statusStart;
  }

  int statusEnd() {
    return statusEnd;
  }

  /** The header field lines, in order. */
  FieldLines lines() {
    return lines;
  }

  int count() {
    return lines.count();
  }

  byte kind(int i) {
    return lines.kind(i);
  }

  void drop(int i) {
    lines.setKind(i, HOP_BY_HOP);
  }
}
