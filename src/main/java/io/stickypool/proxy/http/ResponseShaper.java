package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.stickypool.proxy.routing.ProxyRoute;
import io.stickypool.proxy.routing.ResponseDecoration;

/**
 * Writes the response head the client gets: the backend's own lines, copied in runs as they came,
 * minus the hop-by-hop fields (RFC 9110 7.6.1), plus what the route adds (Set-Cookie, the
 * rebalanced marker), the Cache-Control rule of {@link CacheControl}, and the proxy's own
 * Connection field. The status line is sent as HTTP/1.1 with the backend's code and reason.
 *
 * <p>One per client connection, reused; event-loop confined.
 */
final class ResponseShaper implements ResponseDecoration {
  private static final byte[] HTTP_11 = Ascii.bytes("HTTP/1.1");
  private static final byte[] COLON = Ascii.bytes(": ");

  /** The Connection field the client gets. */
  enum ConnectionField {
    NONE(""),
    CLOSE("Connection: close\r\n"),
    KEEP_ALIVE("Connection: keep-alive\r\n"),
    UPGRADE("Connection: upgrade\r\n");

    private final byte[] line;

    ConnectionField(String line) {
      this.line = Ascii.bytes(line);
    }
  }

  private ByteBuf out;
  private boolean privateNeeded;
  private boolean clientSecure;

  /** Whether the next response goes to a client that came over https (set per exchange). */
  ResponseShaper clientSecure(boolean secure) {
    clientSecure = secure;
    return this;
  }

  @Override
  public boolean clientSecure() {
    return clientSecure;
  }

  /**
   * The head for the client. {@code dropTransferEncoding} when the body goes out de-chunked (to an
   * HTTP/1.0 client, whose end is the close).
   */
  ByteBuf shape(ByteBufAllocator alloc, ResponseHead head, ProxyRoute route, boolean dropTransferEncoding,
      ConnectionField connection) {
    ByteBuf in = head.buf();
    int size = head.count() == 0 ? 0 : head.lines().lineEnd(head.count() - 1) - head.statusStart();
    out = alloc.ioBuffer(size + 256);
    privateNeeded = false;
    try {
      out.writeBytes(HTTP_11).writeBytes(in, head.statusStart(), head.statusEnd() - head.statusStart())
          .writeBytes(Ascii.CRLF);
      route.decorateResponse(this);
      boolean makePrivate = privateNeeded && !head.cacheControlPrivate();
      copyFields(head, dropTransferEncoding, makePrivate, connection == ConnectionField.UPGRADE);
      if (makePrivate) {
        out.writeBytes(CacheControl.PRIVATE_LINE);
      }
      out.writeBytes(connection.line).writeBytes(Ascii.CRLF);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    } finally {
      out = null;
    }
  }

  /** Copies the kept lines; consecutive verbatim lines go in one copy. */
  private void copyFields(ResponseHead head, boolean dropTransferEncoding, boolean makePrivate, boolean keepUpgrade) {
    ByteBuf in = head.buf();
    int runStart = -1;
    int runEnd = -1;
    for (int i = 0; i < head.count(); i++) {
      byte kind = head.kind(i);
      boolean keep = switch (kind) {
        case ResponseHead.OTHER -> true;
        case ResponseHead.UPGRADE -> keepUpgrade;
        case ResponseHead.TRANSFER_ENCODING -> !dropTransferEncoding;
        case ResponseHead.CONTENT_LENGTH -> true; // never beside a Transfer-Encoding: refused
        case ResponseHead.CACHE_CONTROL -> !makePrivate;
        default -> false;
      };
      if (keep && head.lines().verbatim(i)) {
        runStart = runStart < 0 ? head.lines().lineStart(i) : runStart;
        runEnd = head.lines().lineEnd(i);
        continue;
      }
      if (runStart >= 0) {
        out.writeBytes(in, runStart, runEnd - runStart);
        runStart = -1;
      }
      if (keep) {
        writeNormalized(head, i);
      } else if (kind == ResponseHead.CACHE_CONTROL) {
        CacheControl.writeForPrivate(in, head.lines().valueStart(i), head.lines().valueEnd(i), out);
      }
    }
    if (runStart >= 0) {
      out.writeBytes(in, runStart, runEnd - runStart);
    }
  }

  private void writeNormalized(ResponseHead head, int i) {
    ByteBuf in = head.buf();
    out.writeBytes(in, head.lines().lineStart(i), head.lines().nameEnd(i) - head.lines().lineStart(i)).writeBytes(COLON)
        .writeBytes(in, head.lines().valueStart(i), head.lines().valueEnd(i) - head.lines().valueStart(i)).writeBytes(Ascii.CRLF);
  }

  @Override
  public void addHeader(CharSequence name, CharSequence value) {
    ByteBufUtil.writeAscii(out, name);
    out.writeBytes(COLON);
    ByteBufUtil.writeAscii(out, value);
    out.writeBytes(Ascii.CRLF);
  }

  @Override
  public void keepOutOfSharedCaches() {
    privateNeeded = true;
  }
}
