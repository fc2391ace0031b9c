package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The clocks of one client connection, checked by one periodic tick instead of a timer per
 * request (scheduling and cancelling timers on every request costs a timerfd update each on
 * epoll). Sits before the HTTP decoder so it sees raw bytes:
 *
 * <ul>
 *   <li>an idle keep-alive connection (no bytes since the last response) is closed quietly after
 *       the keep-alive timeout;
 *   <li>a client that started a request but has not finished its headers within the header timeout
 *       gets 408 and is closed, so slow clients cannot hold connections for free;
 *   <li>an exchange waiting for its backend's response past the backend timeout is told so.
 * </ul>
 *
 * Deadlines are therefore kept to within one tick (a quarter of the shortest timeout).
 * Event-loop confined.
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
  private final long tickNanos;
  private ChannelHandlerContext ctx;
  private State state = State.IDLE;
  private long since;
  private long responseDeadline;
  private Runnable onResponseTimeout;
  private ScheduledFuture<?> tick;

  HeaderTimeoutHandler(ProxySettings settings) {
    this.headerTimeoutNanos = settings.headerTimeout().toNanos();
    this.keepAliveTimeoutNanos = settings.keepAliveTimeout().toNanos();
    long shortest = Math.min(headerTimeoutNanos, Math.min(keepAliveTimeoutNanos, settings.backendTimeout().toNanos()));
    this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(20), shortest / 4);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    exchangeFinished();
    tick = ctx.executor().scheduleWithFixedDelay(this::check, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  private void stop() {
    if (tick != null) {
      tick.cancel(false);
      tick = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.IDLE && msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
      state = State.RECEIVING_HEAD;
      since = System.nanoTime();
    }
    ctx.fireChannelRead(msg);
  }

  /** The decoder produced a complete request head: the header clock stops. */
  void requestHeadReceived() {
    state = State.IN_EXCHANGE;
  }

  /** The response went out and the connection waits for the next request. */
  void exchangeFinished() {
    state = State.IDLE;
    since = System.nanoTime();
    responseDeadline = 0;
    onResponseTimeout = null;
  }

  /** Calls {@code onTimeout} if no response has started within the backend timeout from now. */
  void expectResponseWithin(long nanos, Runnable onTimeout) {
    responseDeadline = System.nanoTime() + nanos;
    onResponseTimeout = onTimeout;
  }

  /** The response started: its deadline is off. */
  void responseStarted() {
    responseDeadline = 0;
    onResponseTimeout = null;
  }

  private void check() {
    if (!ctx.channel().isActive()) {
      return;
    }
    long now = System.nanoTime();
    if (state == State.RECEIVING_HEAD && now - since > headerTimeoutNanos) {
      state = State.IN_EXCHANGE; // nothing more to time
      ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
    } else if (state == State.IDLE && now - since > keepAliveTimeoutNanos) {
      ctx.close();
    } else if (onResponseTimeout != null && now - responseDeadline > 0) {
      Runnable r = onResponseTimeout;
      responseStarted();
      r.run();
    }
  }
}
