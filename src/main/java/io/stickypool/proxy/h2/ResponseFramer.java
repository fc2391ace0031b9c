package io.stickypool.proxy.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.netty.util.ByteProcessor;

/**
 * Reads the HTTP/1.1 response bytes the proxy's handlers write for one stream and says them again
 * as h2 HEADERS and DATA: the status line becomes {@code :status}, names are lower-cased, the
 * connection-specific fields (Connection, Keep-Alive, Transfer-Encoding, Upgrade, Proxy-Connection;
 * RFC 9113 8.2.2) are left out, a chunked body is de-chunked (its trailers dropped), and the end of
 * the body (its length, the last chunk, or the close) ends the stream. Interim 1xx heads go out as
 * HEADERS without end of stream. The handlers wrote these bytes themselves, so a head arrives
 * whole in practice; it is still gathered across writes.
 *
 * <p>One per stream; event-loop confined.
 */
final class ResponseFramer {
  /** Where the frames go. {@code data} takes ownership of the buffer. */
  interface Sink {
    void headers(Http2Headers headers, boolean endStream);

    void data(ByteBuf data, boolean endStream);
  }

  /** The bytes were not an HTTP/1.1 response this framer can say in h2. */
  static final class BadResponse extends RuntimeException {
    BadResponse(String message) {
      super(message, null, false, false);
    }
  }

  private enum State {
    HEAD,
    LENGTH,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILERS,
    UNTIL_CLOSE,
    DONE
  }

  private static final int MAX_LINE = 64 * 1024;

  private final boolean headRequest;
  private State state = State.HEAD;
  private ByteBuf line;
  private long remaining;

  ResponseFramer(boolean headRequest) {
    this.headRequest = headRequest;
  }

  /** Whether the response's end has been told. */
  boolean done() {
    return state == State.DONE;
  }

  /** Whether the body runs until the close, so that the close is its end. */
  boolean endsAtClose() {
    return state == State.UNTIL_CLOSE;
  }

  /** Reads all of {@code in} (not released here). */
  void accept(ByteBufAllocator alloc, ByteBuf in, Sink sink) {
    while (in.isReadable() && state != State.DONE) {
      switch (state) {
        case HEAD -> {
          ByteBuf head = gatherUntil(alloc, in, true);
          if (head != null) {
            try {
              onHead(head, sink);
            } finally {
              head.release();
            }
          }
        }
        case LENGTH -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          remaining -= n;
          if (remaining == 0) {
            state = State.DONE;
          }
          sink.data(in.readRetainedSlice(n), remaining == 0);
        }
        case CHUNK_SIZE -> chunkSize(alloc, in, sink);
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          remaining -= n;
          sink.data(in.readRetainedSlice(n), false);
          if (remaining == 0) {
            state = State.CHUNK_END;
          }
        }
        case CHUNK_END -> releaseLine(gatherUntil(alloc, in, false), State.CHUNK_SIZE);
        case TRAILERS -> {
          ByteBuf trailers = gatherUntil(alloc, in, true);
          if (trailers != null) {
            trailers.release();
            state = State.DONE;
            sink.data(Unpooled.EMPTY_BUFFER, true);
          }
        }
        case UNTIL_CLOSE -> sink.data(in.readRetainedSlice(in.readableBytes()), false);
        default -> throw new IllegalStateException(state.name());
      }
    }
  }

  /** The handlers closed the stream: a body that ran until the close ends here. */
  void close(Sink sink) {
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
      sink.data(Unpooled.EMPTY_BUFFER, true);
    }
    release();
  }

  void release() {
    if (line != null) {
      line.release();
      line = null;
    }
  }

  private void releaseLine(ByteBuf l, State next) {
    if (l != null) {
      l.release();
      state = next;
    }
  }

  private void chunkSize(ByteBufAllocator alloc, ByteBuf in, Sink sink) {
    ByteBuf l = gatherUntil(alloc, in, false);
    if (l == null) {
      return;
    }
    try {
      long size = 0;
      int digits = 0;
      for (int i = l.readerIndex(); i < l.writerIndex(); i++) {
        int d = Character.digit(l.getByte(i), 16);
        if (d < 0) {
          break; // a chunk extension or the CRLF
        }
        size = size * 16 + d;
        if (++digits > 15) {
          throw new BadResponse("chunk size too long");
        }
      }
      if (digits == 0) {
        throw new BadResponse("no chunk size");
      }
      remaining = size;
      state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
    } finally {
      l.release();
    }
  }

  /**
   * Gathers bytes up to and including a CRLF (or an empty line, CRLFCRLF, for a head); returns them
   * once complete, else keeps what it has and returns null.
   */
  private ByteBuf gatherUntil(ByteBufAllocator alloc, ByteBuf in, boolean blankLine) {
    int end = blankLine ? findBlankLine(in) : in.forEachByte(ByteProcessor.FIND_LF);
    if (end < 0) {
      if (line == null) {
        line = alloc.heapBuffer(Math.max(256, in.readableBytes()));
      }
      if (line.readableBytes() + in.readableBytes() > MAX_LINE) {
        throw new BadResponse("response head too long");
      }
      line.writeBytes(in);
      return null;
    }
    int n = end + 1 - in.readerIndex();
    if (line == null) {
      return in.readRetainedSlice(n);
    }
    ByteBuf whole = line.writeBytes(in, n);
    line = null;
    return whole;
  }

  /**
   * Index of the LF that ends an empty line, looking at what was gathered before too; the search
   * starts at the beginning of a line.
   */
  private int findBlankLine(ByteBuf in) {
    int prev = line == null || !line.isReadable() ? '\n' : line.getByte(line.writerIndex() - 1);
    int prev2 = line == null || line.readableBytes() < 2 ? -1 : line.getByte(line.writerIndex() - 2);
    for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
      byte b = in.getByte(i);
      if (b == '\n' && (prev == '\n' || (prev == '\r' && prev2 == '\n'))) {
        return i;
      }
      prev2 = prev;
      prev = b;
    }
    return -1;
  }

  private void onHead(ByteBuf head, Sink sink) {
    ResponseFields fields = ResponseFields.parse(head);
    int status = fields.status();
    if (status == 101) {
      throw new BadResponse("101 Switching Protocols has no h2 form");
    }
    if (status < 200) {
      sink.headers(fields.headers(), false);
      return; // an interim response; the final head follows
    }
    boolean noBody = headRequest || status == 204 || status == 304;
    if (noBody || (!fields.chunked() && fields.contentLength() == 0)) {
      state = State.DONE;
      sink.headers(fields.headers(), true);
      return;
    }
    if (fields.chunked()) {
      state = State.CHUNK_SIZE;
    } else if (fields.contentLength() > 0) {
      state = State.LENGTH;
      remaining = fields.contentLength();
    } else {
      state = State.UNTIL_CLOSE;
    }
    sink.headers(fields.headers(), false);
  }

  /** The fields of one response head. */
  private record ResponseFields(int status, Http2Headers headers, boolean chunked, long contentLength) {
    private static final AsciiString CONNECTION = AsciiString.cached("connection");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString TRANSFER_ENCODING = AsciiString.cached("transfer-encoding");
    private static final AsciiString UPGRADE = AsciiString.cached("upgrade");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");

    static ResponseFields parse(ByteBuf head) {
      int lineEnd = head.indexOf(head.readerIndex(), head.writerIndex(), (byte) '\n');
      // "HTTP/1.1 200 Reason": the code is at 9..12
      int start = head.readerIndex();
      if (lineEnd - start < 12 || head.getByte(start + 8) != ' ') {
        throw new BadResponse("bad status line");
      }
      int status = 0;
      for (int i = start + 9; i < start + 12; i++) {
        int d = head.getByte(i) - '0';
        if (d < 0 || d > 9) {
          throw new BadResponse("bad status code");
        }
        status = status * 10 + d;
      }
      Http2Headers headers = new DefaultHttp2Headers(false, 16);
      headers.status(AsciiString.of(Integer.toString(status)));
      boolean chunked = false;
      long length = -1;
      int pos = lineEnd + 1;
      while (pos < head.writerIndex()) {
        int end = head.indexOf(pos, head.writerIndex(), (byte) '\n');
        int stop = end > pos && head.getByte(end - 1) == '\r' ? end - 1 : end;
        if (stop == pos) {
          break;
        }
        int colon = head.indexOf(pos, stop, (byte) ':');
        if (colon <= pos) {
          throw new BadResponse("bad field line");
        }
        AsciiString name = new AsciiString(ByteBufUtil.getBytes(head, pos, colon - pos), false).toLowerCase();
        AsciiString value = trimmed(head, colon + 1, stop);
        if (TRANSFER_ENCODING.contentEquals(name)) {
          chunked = true; // the handlers send only chunked, never beside a Content-Length
        } else if (CONTENT_LENGTH.contentEquals(name)) {
          length = Long.parseLong(value.toString());
          headers.add(name, value);
        } else if (!CONNECTION.contentEquals(name) && !KEEP_ALIVE.contentEquals(name)
            && !UPGRADE.contentEquals(name) && !PROXY_CONNECTION.contentEquals(name)) {
          headers.add(name, value);
        }
        pos = end + 1;
      }
      return new ResponseFields(status, headers, chunked, length);
    }

    private static AsciiString trimmed(ByteBuf b, int from, int to) {
      while (from < to && (b.getByte(from) == ' ' || b.getByte(from) == '\t')) {
        from++;
      }
      while (to > from && (b.getByte(to - 1) == ' ' || b.getByte(to - 1) == '\t')) {
        to--;
      }
      return new AsciiString(ByteBufUtil.getBytes(b, from, to - from), false);
    }
  }

}
