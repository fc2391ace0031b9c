package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * Finds the end of a chunked body (RFC 9112 7.1) without decoding it: walks chunk-size lines,
 * skips chunk data in bulk, and reads the trailer section to its empty line. The bytes themselves
 * pass on as they came, or, for an HTTP/1.0 client, only the data runs do ({@link #dataStart}).
 * A size that is not hex, a missing line end after the data, or an overlong size, extension or
 * trailer line is a broken response. A strict scanner (for request bodies, whose bytes go on to a
 * backend that may read them strictly) also refuses what Netty's request decoder refused: a line
 * ending in a bare LF, whitespace after the size not followed by ';', a size over 2^31 - 1. Reused per connection;
 * event-loop confined.
 */
final class ChunkScanner {
  private static final int MAX_LINE = 4096;
  private static final int MAX_TRAILERS = 16 * 1024;

  private enum State {
    SIZE,
    /** Strict only: whitespace after the size, which only a ';' may follow (BWS, RFC 9112 7.1.1). */
    SIZE_WS,
    EXTENSION,
    SIZE_LF,
    DATA,
    DATA_CR,
    DATA_LF,
    TRAILER,
    TRAILER_LF,
    DONE,
    FAILED
  }

  private final boolean strict;
  private State state;
  private long remaining;
  private int digits;
  private int lineBytes;
  private int trailerBytes;
  private boolean emptyTrailerLine;
  private int dataStart = -1;
  private int dataEnd;

  ChunkScanner() {
    this(false);
  }

  ChunkScanner(boolean strict) {
    this.strict = strict;
  }

  void reset() {
    state = State.SIZE;
    remaining = 0;
    digits = 0;
    lineBytes = 0;
    trailerBytes = 0;
    dataStart = -1;
  }

  boolean done() {
    return state == State.DONE;
  }

  boolean failed() {
    return state == State.FAILED;
  }

  /** The data run the last {@link #scan} stopped after, or -1 when it stopped elsewhere. */
  int dataStart() {
    return dataStart;
  }

  int dataEnd() {
    return dataEnd;
  }

  /**
   * Consumes {@code buf[pos, end)} up to the end of the body, a failure, or (with {@code
   * stopAfterData}) the end of one data run; returns the index after the last byte consumed.
   */
  int scan(ByteBuf buf, int pos, int end, boolean stopAfterData) {
    dataStart = -1;
    while (pos < end && state != State.DONE && state != State.FAILED) {
      if (state == State.DATA) {
        int n = (int) Math.min(remaining, end - pos);
        remaining -= n;
        if (remaining == 0) {
          state = State.DATA_CR;
        }
        if (stopAfterData) {
          dataStart = pos;
          dataEnd = pos + n;
          return pos + n;
        }
        pos += n;
      } else {
        step(buf.getByte(pos++));
      }
    }
    return pos;
  }

  private void step(byte b) {
    switch (state) {
      case SIZE -> size(b);
      case SIZE_WS -> state = b == ';' ? State.EXTENSION : Ascii.isWhitespace(b) ? State.SIZE_WS : State.FAILED;
      case EXTENSION -> lineByte(b, b == '\r' ? State.SIZE_LF : State.EXTENSION);
      case SIZE_LF -> endSizeLine(b);
      case DATA_CR -> state = b == '\r' ? State.DATA_LF : b == '\n' && !strict ? State.SIZE : State.FAILED;
      case DATA_LF -> state = b == '\n' ? State.SIZE : State.FAILED;
      case TRAILER -> trailer(b);
      case TRAILER_LF -> endTrailerLine(b);
      default -> state = State.FAILED;
    }
  }

  private void size(byte b) {
    int v = Character.digit(b, 16);
    if (v >= 0 && strict && remaining > (Integer.MAX_VALUE - v) / 16) {
      state = State.FAILED;
    } else if (v >= 0 && digits < 15) {
      remaining = remaining * 16 + v;
      digits++;
    } else if (digits > 0 && strict && Ascii.isWhitespace(b)) {
      state = State.SIZE_WS;
    } else if (digits > 0 && (b == ';' || Ascii.isWhitespace(b))) {
      lineByte(b, State.EXTENSION);
    } else if (digits > 0 && b == '\r') {
      state = State.SIZE_LF;
    } else if (digits > 0 && b == '\n' && !strict) {
      endSizeLine(b);
    } else {
      state = State.FAILED;
    }
  }

  private void lineByte(byte b, State next) {
    if (strict && b == '\n') {
      state = State.FAILED;
      return;
    }
    if (++lineBytes > MAX_LINE || (b == '\n')) {
      state = b == '\n' ? State.SIZE_LF : State.FAILED;
      if (b == '\n') {
        endSizeLine(b);
      }
      return;
    }
    state = next;
  }

  private void endSizeLine(byte b) {
    if (b != '\n') {
      state = State.FAILED;
      return;
    }
    digits = 0;
    lineBytes = 0;
    if (remaining == 0) {
      state = State.TRAILER;
      emptyTrailerLine = true;
    } else {
      state = State.DATA;
    }
  }

  private void trailer(byte b) {
    if (++trailerBytes > MAX_TRAILERS) {
      state = State.FAILED;
    } else if (b == '\r') {
      state = State.TRAILER_LF;
    } else if (b == '\n') {
      if (strict) {
        state = State.FAILED;
      } else {
        endTrailerLine(b);
      }
    } else {
      emptyTrailerLine = false;
    }
  }

  private void endTrailerLine(byte b) {
    if (b != '\n') {
      state = State.FAILED;
    } else if (emptyTrailerLine) {
      state = State.DONE;
    } else {
      state = State.TRAILER;
      emptyTrailerLine = true;
    }
  }
}
