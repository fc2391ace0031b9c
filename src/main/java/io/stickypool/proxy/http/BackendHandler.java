package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.stickypool.proxy.pool.BackendConnectionPool;
import java.net.InetSocketAddress;

/**
 * The last handler of a backend connection: reads responses straight from the bytes (the head
 * with {@link ResponseHead}, the body's end with {@link BodyFraming}) and hands them to the
 * exchange using the connection as the original buffers. While the connection idles in the pool,
 * any close or stray byte drops it. After a 101 the handler leaves the pipeline and what follows
 * the head goes on to the tunnel. Event-loop confined; the backend channel shares the client
 * connection's event loop.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
  private final BackendConnectionPool pool;
  private final InetSocketAddress address;
  private final ResponseHead head = new ResponseHead();
  private final BodyFraming body = new BodyFraming();
  private BackendListener listener;
  private boolean headRequest;
  private boolean dataOnly;
  private boolean inBody;
  private ByteBuf partialHead;

  BackendHandler(BackendConnectionPool pool, InetSocketAddress address) {
    this.pool = pool;
    this.address = address;
  }

  /**
   * @param headRequest the request was HEAD: the response has no body whatever it says
   * @param dataOnly pass a chunked body's data without its chunk framing (for an HTTP/1.0 client)
   */
  void bind(BackendListener listener, boolean headRequest, boolean dataOnly) {
    this.listener = listener;
    this.headRequest = headRequest;
    this.dataOnly = dataOnly;
  }

  void unbind() {
    this.listener = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf) || listener == null) {
      // A response nobody asked for: the connection is out of step, never reuse it.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    ByteBuf in = joinPartialHead((ByteBuf) msg);
    try {
      while (in.isReadable() && listener != null && !ctx.isRemoved()) {
        if (!(inBody ? readBody(in) : readHead(ctx, in))) {
          break;
        }
      }
      leftOver(ctx, in);
    } finally {
      in.release();
    }
  }

  private ByteBuf joinPartialHead(ByteBuf in) {
    if (partialHead == null) {
      return in;
    }
    ByteBuf joined = partialHead.writeBytes(in);
    in.release();
    partialHead = null;
    return joined;
  }

  /** Bytes nobody consumed: the tunnel's after a 101, the start of a head to wait for, or strays. */
  private void leftOver(ChannelHandlerContext ctx, ByteBuf in) {
    if (!in.isReadable()) {
      return;
    }
    if (ctx.isRemoved()) {
      ctx.fireChannelRead(in.retain());
    } else if (listener == null) {
      ctx.close();
    } else if (!inBody) {
      partialHead = ctx.alloc().buffer(in.readableBytes() * 2).writeBytes(in);
    }
  }

  /** Reads one head if it is all here; false when more bytes are needed (or it was refused). */
  private boolean readHead(ChannelHandlerContext ctx, ByteBuf in) {
    int start = in.readerIndex();
    int limit = in.writerIndex();
    while (start < limit && (in.getByte(start) == '\r' || in.getByte(start) == '\n')) {
      start++; // empty lines before a status line are ignored (RFC 9112 2.2)
    }
    in.readerIndex(start);
    int end = ResponseHead.findEnd(in, start, Math.min(limit, start + ResponseHead.MAX_BYTES));
    if (end < 0) {
      return in.readableBytes() >= ResponseHead.MAX_BYTES ? broken(in, "response head too large") : false;
    }
    if (!head.parse(in, start, end)) {
      return broken(in, head.error());
    }
    in.readerIndex(end);
    BackendListener l = listener;
    l.onResponseHead(head);
    int status = head.status();
    if (listener != l || (status < 200 && status != 101)) {
      return true; // 1xx: the real response follows
    }
    ResponseHead.Framing framing = status == 101 ? ResponseHead.Framing.NONE : head.framing(headRequest);
    body.start(framing, head.contentLength());
    inBody = true;
    if (framing == ResponseHead.Framing.NONE) {
      endBody(Unpooled.EMPTY_BUFFER);
    }
    return true;
  }

  private boolean readBody(ByteBuf in) {
    if (dataOnly && body.chunked()) {
      return readDataRun(in);
    }
    int from = in.readerIndex();
    int to = body.scan(in, from, in.writerIndex());
    if (body.failed()) {
      return broken(in, "invalid chunked body");
    }
    in.readerIndex(to);
    ByteBuf part = in.retainedSlice(from, to - from);
    if (body.done()) {
      endBody(part);
    } else {
      listener.onResponseBody(part, false);
    }
    return true;
  }

  private boolean readDataRun(ByteBuf in) {
    int to = body.scanData(in, in.readerIndex(), in.writerIndex());
    if (body.failed()) {
      return broken(in, "invalid chunked body");
    }
    in.readerIndex(to);
    int ds = body.dataStart();
    if (ds >= 0) {
      listener.onResponseBody(in.retainedSlice(ds, body.dataEnd() - ds), false);
    }
    if (body.done()) {
      endBody(Unpooled.EMPTY_BUFFER);
    }
    return true;
  }

  private void endBody(ByteBuf part) {
    inBody = false;
    listener.onResponseBody(part, true);
  }

  private boolean broken(ByteBuf in, String why) {
    in.skipBytes(in.readableBytes());
    inBody = false;
    BackendListener l = listener;
    listener = null;
    l.onResponseBroken(why);
    return false;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    BackendListener l = listener;
    if (l != null) {
      l.onBackendReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    BackendListener l = listener;
    if (l != null) {
      l.onBackendWritabilityChanged(ctx.channel().isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releasePartial();
    BackendListener l = listener;
    if (l != null && inBody && body.endsAtClose()) {
      endBody(Unpooled.EMPTY_BUFFER); // the close is this body's end
      return;
    }
    listener = null;
    if (l != null) {
      l.onBackendClosed();
    } else {
      pool.remove(ctx.channel(), address);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    BackendListener l = listener;
    listener = null;
    ctx.close();
    if (l != null) {
      l.onBackendError(cause);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePartial();
  }

  private void releasePartial() {
    if (partialHead != null) {
      partialHead.release();
      partialHead = null;
    }
  }
}
