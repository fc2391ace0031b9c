package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Guards the gap between requests on a client connection. Sits before the HTTP decoder so it sees
 * raw bytes: an idle keep-alive connection (no bytes since the last response) is closed quietly
 * after the keep-alive timeout; a client that started sending a request but has not finished its
 * headers within the header timeout gets 408 and is closed, so slow clients cannot hold
 * connections open for free.
 *
 * <p>Event-loop confined: all methods run on the channel's event loop.
 */
final class HeaderTimeoutHandler extends ChannelInboundHandlerAdapter {
  private static final byte[] REQUEST_TIMEOUT =
      ("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain\r\n"
              + "Content-Length: 37\r\n\r\nrequest headers not received in time\n")
          .getBytes(CharsetUtil.US_ASCII);

  private enum State {
    IDLE,
    RECEIVING_HEAD,
    IN_EXCHANGE
  }

  private final long headerTimeoutNanos;
  private final long keepAliveTimeoutNanos;
  private ChannelHandlerContext ctx;
  private State state = State.IDLE;
  private ScheduledFuture<?> timer;

  HeaderTimeoutHandler(Duration headerTimeout, Duration keepAliveTimeout) {
    this.headerTimeoutNanos = headerTimeout.toNanos();
    this.keepAliveTimeoutNanos = keepAliveTimeout.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    enterIdle();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.IDLE && msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
      state = State.RECEIVING_HEAD;
      schedule(headerTimeoutNanos);
    }
    ctx.fireChannelRead(msg);
  }

  /** The decoder produced a complete request head: the header clock stops. */
  void requestHeadReceived() {
    state = State.IN_EXCHANGE;
    cancelTimer();
  }

  /** The response went out and the connection waits for the next request. */
  void exchangeFinished() {
    enterIdle();
  }

  private void enterIdle() {
    state = State.IDLE;
    schedule(keepAliveTimeoutNanos);
  }

  private void schedule(long nanos) {
    cancelTimer();
    timer = ctx.executor().schedule(this::expire, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire() {
    timer = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    if (state == State.RECEIVING_HEAD) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (state == State.IDLE) {
      ctx.close();
    }
  }
}
