package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * Where the body of the response being read ends, so that a kept-alive backend connection is
 * handed back exactly at a message boundary: a Content-Length countdown, a chunk scanner, or the
 * connection's close. Reused per backend connection; event-loop confined.
 */
final class BodyFraming {
  private final ChunkScanner chunks = new ChunkScanner();
  private ResponseHead.Framing framing = ResponseHead.Framing.NONE;
  private long remaining;

  void start(ResponseHead.Framing framing, long contentLength) {
    this.framing = framing;
    this.remaining = framing == ResponseHead.Framing.LENGTH ? contentLength : 0;
    if (framing == ResponseHead.Framing.CHUNKED) {
      chunks.reset();
    }
  }

  boolean chunked() {
    return framing == ResponseHead.Framing.CHUNKED;
  }

  boolean endsAtClose() {
    return framing == ResponseHead.Framing.UNTIL_CLOSE;
  }

  /** Consumes body bytes from {@code buf[from, to)}; returns the index after the last one. */
  int scan(ByteBuf buf, int from, int to) {
    switch (framing) {
      case LENGTH:
        int n = (int) Math.min(remaining, to - from);
        remaining -= n;
        return from + n;
      case CHUNKED:
        return chunks.scan(buf, from, to, false);
      case UNTIL_CLOSE:
        return to;
      default:
        return from;
    }
  }

  /** Like {@link #scan} for a chunked body, stopping after each data run ({@link #dataStart}). */
  int scanData(ByteBuf buf, int from, int to) {
    return chunks.scan(buf, from, to, true);
  }

  int dataStart() {
    return chunks.dataStart();
  }

  int dataEnd() {
    return chunks.dataEnd();
  }

  boolean done() {
    switch (framing) {
      case LENGTH:
        return remaining == 0;
      case CHUNKED:
        return chunks.done();
      case UNTIL_CLOSE:
        return false;
      default:
        return true;
    }
  }

  boolean failed() {
    return framing == ResponseHead.Framing.CHUNKED && chunks.failed();
  }
}
