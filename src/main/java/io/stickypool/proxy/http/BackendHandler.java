package io.stickypool.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import io.stickypool.proxy.pool.BackendConnectionPool;
import java.net.InetSocketAddress;

/**
 * The last handler of a backend connection: hands the response to the exchange using the
 * connection, or, while the connection idles in the pool, drops it on any close or stray byte.
 * Event-loop confined; the backend channel shares the client connection's event loop.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
  private final BackendConnectionPool pool;
  private final InetSocketAddress address;
  private BackendListener listener;

  BackendHandler(BackendConnectionPool pool, InetSocketAddress address) {
    this.pool = pool;
    this.address = address;
  }

  void bind(BackendListener listener) {
    this.listener = listener;
  }

  void unbind() {
    this.listener = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    BackendListener l = listener;
    if (l != null && msg instanceof HttpObject) {
      l.onResponseObject((HttpObject) msg);
      return;
    }
    // A response nobody asked for: the connection is out of step, never reuse it.
    ReferenceCountUtil.release(msg);
    ctx.close();
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
    BackendListener l = listener;
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
}
