package io.stickypool.proxy.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Frame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * First handler of an h2 stream's channel: inbound, the stream's HEADERS and DATA become the bytes
 * of one HTTP/1.1 request for the handlers behind it ({@link RequestHeadWriter}); outbound, the
 * HTTP/1.1 response bytes they write become HEADERS and DATA ({@link ResponseFramer}). A body of
 * declared length must match it exactly (RFC 9113 8.1.1): more or fewer bytes reset the stream
 * with PROTOCOL_ERROR, so that no byte of a stream can read as a second request. Request trailers
 * are dropped. Flow control is the stream channel's: it reads (and so opens the window) only while
 * the handlers behind it want the body.
 *
 * <p>Event-loop confined (the connection's loop).
 */
final class StreamBridge extends ChannelDuplexHandler {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

  private final List<Http2Frame> frames = new ArrayList<>(4);
  private ResponseFramer response;
  private boolean headSeen;
  private boolean chunked;
  private long remaining;
  private boolean requestEnded;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2HeadersFrame h) {
      onHeaders(ctx, h);
    } else if (msg instanceof Http2DataFrame d) {
      try {
        onData(ctx, d.content(), d.isEndStream());
      } finally {
        d.release();
      }
    } else {
      ReferenceCountUtil.release(msg); // RST_STREAM from the client: the stream channel closes itself
    }
  }

  private void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
    if (headSeen) { // trailers: dropped; they only end the body
      if (!requestEnded && frame.isEndStream()) {
        endBody(ctx);
      }
      return;
    }
    headSeen = true;
    RequestHeadWriter.Head head;
    try {
      head = RequestHeadWriter.write(ctx.alloc(), frame.headers(), frame.isEndStream());
    } catch (RequestHeadWriter.Refused e) {
      refuse(ctx, e.status, e.getMessage());
      return;
    }
    response = new ResponseFramer(head.headMethod());
    chunked = head.body() == RequestHeadWriter.Body.CHUNKED;
    remaining = head.length();
    requestEnded = frame.isEndStream();
    ctx.fireChannelRead(head.bytes());
  }

  private void onData(ChannelHandlerContext ctx, ByteBuf content, boolean endStream) {
    if (requestEnded || response == null) {
      return; // after a refusal, or the codec let a frame through after the end
    }
    int n = content.readableBytes();
    if (chunked) {
      if (n > 0) {
        ByteBuf size = ctx.alloc().ioBuffer(12);
        ByteBufUtil.writeAscii(size, Integer.toHexString(n));
        size.writeBytes(CRLF);
        ctx.fireChannelRead(ctx.alloc().compositeBuffer(3)
            .addComponents(true, size, content.retain(), Unpooled.wrappedBuffer(CRLF)));
      }
    } else {
      if (n > remaining || (endStream && n != remaining)) {
        reset(ctx, Http2Error.PROTOCOL_ERROR);
        return;
      }
      remaining -= n;
      if (n > 0) {
        ctx.fireChannelRead(content.retain());
      }
    }
    if (endStream) {
      endBody(ctx);
    }
  }

  private void endBody(ChannelHandlerContext ctx) {
    requestEnded = true;
    if (chunked) {
      ctx.fireChannelRead(Unpooled.wrappedBuffer(LAST_CHUNK));
    } else if (remaining != 0) {
      reset(ctx, Http2Error.PROTOCOL_ERROR);
    }
  }

  /** Answers the stream from here: a request that cannot be said as HTTP/1.1 is never forwarded. */
  private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String detail) {
    byte[] body = (detail + "\n").getBytes(StandardCharsets.UTF_8);
    Http2Headers headers = new DefaultHttp2Headers()
        .status(status.codeAsText())
        .set("content-type", "text/plain; charset=utf-8")
        .setInt("content-length", body.length);
    ctx.write(new DefaultHttp2HeadersFrame(headers, false), ctx.voidPromise());
    ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void reset(ChannelHandlerContext ctx, Http2Error error) {
    requestEnded = true;
    ctx.writeAndFlush(new DefaultHttp2ResetFrame(error)).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * A stream error the codec found (a body longer than its content-length, a malformed field):
   * the stream is reset with that error, where the handlers behind would only close it (CANCEL).
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2Exception.StreamException e) { // what the multiplexer hands a stream
      reset(ctx, e.error());
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.write(msg, promise);
      return;
    }
    try {
      if (response == null || response.done()) {
        promise.trySuccess(); // nothing can follow a response's end on a stream
        return;
      }
      response.accept(ctx.alloc(), buf, sink);
    } catch (ResponseFramer.BadResponse e) {
      releaseFrames();
      promise.tryFailure(e);
      reset(ctx, Http2Error.INTERNAL_ERROR);
      return;
    } finally {
      buf.release();
    }
    writeFrames(ctx, promise);
  }

  private final ResponseFramer.Sink sink = new ResponseFramer.Sink() {
    @Override
    public void headers(Http2Headers headers, boolean endStream) {
      frames.add(new DefaultHttp2HeadersFrame(headers, endStream));
    }

    @Override
    public void data(ByteBuf data, boolean endStream) {
      frames.add(new DefaultHttp2DataFrame(data, endStream));
    }
  };

  /** Writes the frames one write produced; the last carries the write's promise. */
  private void writeFrames(ChannelHandlerContext ctx, ChannelPromise promise) {
    int n = frames.size();
    if (n == 0) {
      promise.trySuccess();
      return;
    }
    for (int i = 0; i < n - 1; i++) {
      ctx.write(frames.get(i), ctx.voidPromise());
    }
    ctx.write(frames.get(n - 1), promise);
    frames.clear();
  }

  private void releaseFrames() {
    frames.forEach(ReferenceCountUtil::release);
    frames.clear();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (response != null) {
      boolean endsAtClose = response.endsAtClose();
      response.close(sink);
      if (endsAtClose) {
        writeFrames(ctx, ctx.newPromise());
        ctx.flush();
      }
    }
    ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (response != null) {
      response.release();
    }
    releaseFrames();
  }
}
