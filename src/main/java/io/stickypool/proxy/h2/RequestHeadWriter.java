package io.stickypool.proxy.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * Writes an h2 request's header block as the HTTP/1.1 request head the proxy's handlers read
 * (RFC 9113 8.3.1): the request line from {@code :method} and {@code :path}, Host from
 * {@code :authority}, cookie crumbs joined with "; " (8.2.3), {@code te} dropped, and a body that is
 * neither empty nor of declared length sent chunked. Fields the HTTP/1.1 head could be confused by
 * are refused here, before any byte is written: a name or value with CR, LF or NUL, or a value with
 * leading or trailing whitespace (8.2.1), a target with spaces or controls, CONNECT (the proxy does
 * not tunnel over h2). Connection-specific fields and upper-case names are refused by the codec.
 *
 * <p>Stateless.
 */
final class RequestHeadWriter {
  private static final AsciiString HOST = AsciiString.cached("host");
  private static final AsciiString COOKIE = AsciiString.cached("cookie");
  private static final AsciiString TE = AsciiString.cached("te");
  private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
  private static final byte[] HTTP_11_CRLF = {' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n'};
  private static final byte[] COLON_SP = {':', ' '};
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** How the request body follows the head in the HTTP/1.1 bytes. */
  enum Body {
    NONE,
    LENGTH,
    CHUNKED
  }

  /** The head's bytes, and how its body is framed ({@code length} for {@link Body#LENGTH}). */
  record Head(ByteBuf bytes, Body body, long length, boolean headMethod) {}

  /** A request the proxy answers itself, with this status, instead of forwarding it. */
  static final class Refused extends Exception {
    final HttpResponseStatus status;

    Refused(HttpResponseStatus status, String detail) {
      super(detail, null, false, false);
      this.status = status;
    }
  }

  private RequestHeadWriter() {}

  static Head write(ByteBufAllocator alloc, Http2Headers h, boolean endStream) throws Refused {
    CharSequence method = h.method();
    CharSequence path = h.path();
    if (method != null && AsciiString.contentEquals(method, "CONNECT")) {
      throw new Refused(HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not proxied");
    }
    if (method == null || path == null || h.scheme() == null) {
      throw new Refused(HttpResponseStatus.BAD_REQUEST, "missing :method, :scheme or :path");
    }
    requireVisible(method, ":method");
    requireVisible(path, ":path");
    CharSequence authority = h.authority();
    if (authority != null) {
      requireVisible(authority, ":authority");
    }
    long length = endStream ? 0 : -1;
    ByteBuf out = alloc.ioBuffer(256 + path.length());
    try {
      ByteBufUtil.writeAscii(out, method);
      out.writeByte(' ');
      ByteBufUtil.writeAscii(out, path);
      out.writeBytes(HTTP_11_CRLF);
      if (authority != null) {
        field(out, HOST, authority);
      }
      int cookies = 0;
      for (Map.Entry<CharSequence, CharSequence> e : h) {
        CharSequence name = e.getKey();
        if (name.length() > 0 && name.charAt(0) == ':') {
          continue;
        }
        CharSequence value = e.getValue();
        requireFieldValue(name, value);
        if (COOKIE.contentEquals(name)) {
          cookies++;
        } else if (CONTENT_LENGTH.contentEquals(name)) {
          length = contentLength(value, length, endStream);
        } else if (!TE.contentEquals(name) && !(authority != null && HOST.contentEquals(name))) {
          field(out, name, value);
        }
      }
      if (cookies > 0) {
        writeCookies(out, h);
      }
      if (length > 0 || (length == 0 && !endStream)) {
        field(out, CONTENT_LENGTH, Long.toString(length));
      } else if (length < 0) {
        out.writeBytes(CHUNKED);
      }
      out.writeBytes(CRLF);
      Body body = length < 0 ? Body.CHUNKED : length == 0 ? Body.NONE : Body.LENGTH;
      return new Head(out, body, Math.max(length, 0), AsciiString.contentEquals(method, "HEAD"));
    } catch (Refused | RuntimeException e) {
      out.release();
      throw e;
    }
  }

  private static long contentLength(CharSequence value, long before, boolean endStream) throws Refused {
    long n = 0;
    if (value.length() == 0 || value.length() > 18) {
      throw new Refused(HttpResponseStatus.BAD_REQUEST, "bad content-length");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new Refused(HttpResponseStatus.BAD_REQUEST, "bad content-length");
      }
      n = n * 10 + (c - '0');
    }
    if ((before >= 0 && !endStream && before != n) || (endStream && n != 0)) {
      throw new Refused(HttpResponseStatus.BAD_REQUEST, "content-length does not match the body");
    }
    return n;
  }

  private static void writeCookies(ByteBuf out, Http2Headers h) {
    out.writeBytes(COOKIE.array(), COOKIE.arrayOffset(), COOKIE.length()).writeBytes(COLON_SP);
    boolean first = true;
    for (CharSequence crumb : h.getAll(COOKIE)) {
      if (!first) {
        out.writeByte(';').writeByte(' ');
      }
      ByteBufUtil.writeAscii(out, crumb);
      first = false;
    }
    out.writeBytes(CRLF);
  }

  private static void field(ByteBuf out, CharSequence name, CharSequence value) {
    ByteBufUtil.writeAscii(out, name);
    out.writeBytes(COLON_SP);
    ByteBufUtil.writeAscii(out, value);
    out.writeBytes(CRLF);
  }

  /** Pseudo-header values that become the request line or Host: visible ASCII only. */
  private static void requireVisible(CharSequence s, String what) throws Refused {
    if (s.length() == 0) {
      throw new Refused(HttpResponseStatus.BAD_REQUEST, "empty " + what);
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new Refused(HttpResponseStatus.BAD_REQUEST, "bad character in " + what);
      }
    }
  }

  private static void requireFieldValue(CharSequence name, CharSequence value) throws Refused {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == ':') {
        throw new Refused(HttpResponseStatus.BAD_REQUEST, "bad field name");
      }
    }
    int n = value.length();
    if (n > 0 && (isBlank(value.charAt(0)) || isBlank(value.charAt(n - 1)))) {
      throw new Refused(HttpResponseStatus.BAD_REQUEST, "field value with surrounding whitespace");
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
        throw new Refused(HttpResponseStatus.BAD_REQUEST, "bad character in a field value");
      }
    }
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }
}
