package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Reads a client connection's requests from the bytes: each head with {@link RequestHead} (which
 * enforces the line, size and count limits and every framing rule), then its body up to its end
 * (Content-Length countdown, or {@link ChunkScanner} over a chunked body, whose bytes go on as they
 * came). Passes on, in order: the {@link RequestHead}, body parts as {@code HttpContent} slices of
 * the read buffers ending with a {@code LastHttpContent} ({@code EMPTY_LAST_CONTENT} for a request
 * without a body), and a {@link Refusal} for a head it will not forward, after which it drops all
 * input. Heads come from a few spares the connection reuses (see {@link RequestHead#release}).
 *
 * <p>Event-loop confined.
 */
final class RequestReader extends ByteToMessageDecoder {
  /** A head refused with {@code status}; the connection must answer it and close. */
  record Refusal(int status, String detail) {}

  private enum State {
    HEAD,
    LENGTH,
    CHUNKED,
    BAD
  }

  private final ProxySettings settings;
  private final ArrayDeque<RequestHead> spares = new ArrayDeque<>(2);
  private final ChunkScanner chunks = new ChunkScanner(true);
  private State state = State.HEAD;
  private long remaining;

  RequestReader(ProxySettings settings) {
    this.settings = settings;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      boolean more = switch (state) {
        case HEAD -> readHead(in, out);
        case LENGTH -> readLength(in, out);
        case CHUNKED -> readChunked(in, out);
        case BAD -> {
          in.skipBytes(in.readableBytes());
          yield false;
        }
      };
      if (!more) {
        return;
      }
    }
  }

  private boolean readHead(ByteBuf in, List<Object> out) {
    RequestHead head = spares.poll();
    if (head == null) {
      head = new RequestHead(settings);
      head.home(spares);
    }
    int status = head.parse(in, in.readerIndex(), in.writerIndex());
    if (status != 0) {
      spares.push(head);
      if (status != RequestHead.NEED_MORE) {
        out.add(new Refusal(status, head.detail()));
        state = State.BAD;
        in.skipBytes(in.readableBytes()); // nothing after a refused head can be trusted
      }
      return false;
    }
    head.hold();
    in.readerIndex(head.end());
    out.add(head);
    if (head.chunked()) {
      chunks.reset();
      state = State.CHUNKED;
    } else if (head.contentLength() > 0) {
      remaining = head.contentLength();
      state = State.LENGTH;
    } else {
      out.add(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    return true;
  }

  private boolean readLength(ByteBuf in, List<Object> out) {
    int n = (int) Math.min(remaining, in.readableBytes());
    remaining -= n;
    body(in.readRetainedSlice(n), remaining == 0, out);
    return true;
  }

  private boolean readChunked(ByteBuf in, List<Object> out) {
    int from = in.readerIndex();
    int to = chunks.scan(in, from, in.writerIndex(), false);
    if (chunks.failed()) {
      LastHttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, EmptyHttpHeaders.INSTANCE);
      failed.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("invalid chunked body")));
      out.add(failed);
      state = State.BAD;
      return true;
    }
    body(in.readRetainedSlice(to - from), chunks.done(), out);
    return true;
  }

  private void body(ByteBuf part, boolean last, List<Object> out) {
    if (last) {
      state = State.HEAD;
      out.add(new DefaultLastHttpContent(part, EmptyHttpHeaders.INSTANCE)); // trailers pass as bytes
    } else {
      out.add(new DefaultHttpContent(part));
    }
  }
}
