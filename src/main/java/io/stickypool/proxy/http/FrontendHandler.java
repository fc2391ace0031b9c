package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.stickypool.proxy.routing.ProxyRoute;
import io.stickypool.proxy.server.PipelineNames;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: turns the requests {@link RequestReader} read into {@link Exchange}s, one
 * at a time, in the order they arrived. Everything the reader produced goes through one queue, so that a pipelined
 * request's body parts reach that request's exchange, in order, however the bytes were split
 * across reads: the parts that follow a request head up to its last part belong to it, and the next
 * request waits in the queue until the exchange before it has answered. Reads are driven by hand
 * (auto-read is off when there is nowhere to put more bytes), which is the backpressure from backend
 * to client.
 *
 * <p>Event-loop confined.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  /** Pipelined messages held while an exchange runs; past this, reading pauses. */
  private static final int MAX_QUEUED = 16;
  /** How long a closing connection keeps reading (and dropping) what the client still sends. */
  private static final long LINGER_MILLIS = 2_000;

  private final ProxyContext proxy;
  private final ArrayDeque<Object> queued = new ArrayDeque<>(4);
  private ChannelHandlerContext ctx;
  private InetSocketAddress client;
  private ProxyHeaders.ClientAddress clientAddress;
  private HeaderTimeoutHandler headerTimeout;
  private final ResponseShaper shaper = new ResponseShaper();
  private final RequestShaper requestShaper = new RequestShaper();
  private Exchange current;
  /** The head of the current exchange's request, released when the exchange is over. */
  private RequestHead currentHead;
  /** Whether the current exchange has been handed the last part of its request. */
  private boolean currentRequestRead;
  private boolean dispatching;
  private boolean closing;
  private boolean lingering;
  private boolean inRead;

  FrontendHandler(ProxyContext proxy) {
    this.proxy = proxy;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.headerTimeout = ctx.pipeline().get(HeaderTimeoutHandler.class);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = (InetSocketAddress) ctx.channel().remoteAddress();
    clientAddress = new ProxyHeaders.ClientAddress(client, overTls(ctx.channel()));
    proxy.connections().add(ctx.channel());
  }

  /**
   * Whether the client's connection is TLS: this channel's own, or for an HTTP/2 stream, its
   * connection's (the stream channel's parent; a plain connection's parent is the listener).
   */
  private static boolean overTls(io.netty.channel.Channel ch) {
    return ch.pipeline().get(SslHandler.class) != null
        || (ch.parent() != null && ch.parent().pipeline().get(SslHandler.class) != null);
  }

  HeaderTimeoutHandler timeouts() {
    return headerTimeout;
  }

  InetSocketAddress clientAddress() {
    return client;
  }

  ProxyHeaders.ClientAddress client() {
    return clientAddress;
  }

  /** Whether a read batch is being processed: its read-complete will flush the backend. */
  boolean inRead() {
    return inRead;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inRead = true;
    if (closing) {
      discard(msg);
      return;
    }
    queued.add(msg);
    dispatch();
    updateReading();
  }

  /**
   * Hands queued messages on: a request head starts an exchange when none runs, body parts go to
   * the exchange whose request they belong to, and the rest waits. Re-entrant calls (an exchange
   * that ends while being handed its body) return at once; the outer loop goes on.
   */
  private void dispatch() {
    if (dispatching) {
      return;
    }
    dispatching = true;
    try {
      Object next;
      while (!closing && (next = queued.peek()) != null) {
        if (current == null) {
          queued.poll();
          begin(next);
        } else if (!currentRequestRead) {
          queued.poll();
          handToCurrent(next);
        } else {
          break; // a pipelined request: it waits for the current one's answer
        }
      }
    } finally {
      dispatching = false;
    }
  }

  private void handToCurrent(Object msg) {
    if (!(msg instanceof HttpContent)) {
      // The reader ends every request with a LastHttpContent before the next head; anything else
      // means the stream is out of step, and the only safe answer is to stop.
      discard(msg);
      abortClient();
      return;
    }
    currentRequestRead = msg instanceof LastHttpContent;
    current.onRequestContent((HttpContent) msg);
  }

  private void begin(Object msg) {
    if (msg instanceof RequestReader.Refusal refusal) {
      reject(HttpResponseStatus.valueOf(refusal.status()), refusal.detail());
      return;
    }
    if (!(msg instanceof RequestHead head)) {
      discard(msg); // body parts of a request already refused or cut short
      return;
    }
    headerTimeout.requestHeadReceived();
    ctx.channel().attr(OpenConnections.BUSY).set(Boolean.TRUE);
    currentHead = head;
    current = new Exchange(this, ctx, proxy, head);
    currentRequestRead = false;
    // Body parts already read go to the exchange first: it then knows at once whether its
    // request is whole (a 503 for a complete GET keeps the connection).
    Object part;
    while (current != null && !currentRequestRead && (part = queued.peek()) instanceof HttpContent) {
      queued.poll();
      handToCurrent(part);
    }
    if (current != null) {
      current.start();
    }
  }

  /** Answers a request the proxy will not forward, then closes: what follows it cannot be trusted. */
  private void reject(HttpResponseStatus status, String detail) {
    ctx.write(ErrorResponses.build(ctx.alloc(), status, detail, true, false), ctx.voidPromise());
    closeAfterResponse(true);
  }

  void writeResponse(ByteBuf bytes) {
    ctx.write(bytes, ctx.voidPromise());
  }

  ResponseShaper shaper() {
    return shaper;
  }

  RequestShaper requestShaper() {
    return requestShaper;
  }

  /** The current exchange is over (or gone): its request head is released. */
  private void endCurrent() {
    current = null;
    if (currentHead != null) {
      currentHead.release();
      currentHead = null;
    }
  }

  /**
   * The exchange answered; continue with the next request or close. {@code close} is set when the
   * response said Connection: close, which it always does when the request was not read to its end.
   */
  void exchangeDone(boolean close) {
    boolean requestRead = currentRequestRead;
    endCurrent();
    ctx.channel().attr(OpenConnections.BUSY).set(Boolean.FALSE);
    if (close || proxy.connections().shuttingDown()) {
      closeAfterResponse(!requestRead);
      return;
    }
    headerTimeout.exchangeFinished();
    dispatch();
    updateReading();
  }

  /**
   * Flushes what was written and closes. When the client may still be sending (a body the backend
   * did not wait for, a request we refused), the connection first stops writing and keeps reading
   * and dropping input for a while: closing a socket with unread input sends a reset, which can
   * destroy the response before the client reads it (the "lingering close" of RFC 9112 9.6).
   */
  private void closeAfterResponse(boolean clientMaySend) {
    closing = true;
    releaseQueued();
    Channel ch = ctx.channel();
    ChannelFuture flushed = ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
    if (!clientMaySend || !(ch instanceof DuplexChannel)) {
      flushed.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    lingering = true;
    flushed.addListener(f -> {
      if (!f.isSuccess()) {
        ch.close();
        return;
      }
      ((DuplexChannel) ch).shutdownOutput();
      ch.config().setAutoRead(true);
      ch.eventLoop().schedule(() -> ch.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    });
  }

  /**
   * Reads client bytes only while they have somewhere to go: a request body only while its backend
   * connection is open and writable, pipelined requests only up to a few queued messages.
   * Auto-read stays on in the common case (one request at a time on a keep-alive connection), so
   * the read interest in epoll is not toggled per request.
   */
  void updateReading() {
    boolean want;
    if (closing) {
      want = lingering;
    } else if (current == null) {
      want = queued.size() < MAX_QUEUED;
    } else if (!currentRequestRead) {
      want = current.wantsRequestBody();
    } else {
      want = queued.size() < MAX_QUEUED;
    }
    if (ctx.channel().config().isAutoRead() != want) {
      ctx.channel().config().setAutoRead(want);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    inRead = false;
    if (current != null) {
      current.flushToBackend();
    }
    updateReading();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.onClientWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** Something broke after the response started: the only honest signal left is closing. */
  void abortClient() {
    closing = true;
    endCurrent();
    releaseQueued();
    ctx.close();
  }

  /**
   * A 101 went to the client: from here both connections carry raw bytes. The HTTP handlers leave
   * both pipelines; bytes the decoders still held are passed on to the tunnels.
   */
  void switchToTunnel(Channel backend, ProxyRoute route) {
    endCurrent();
    if (!queued.isEmpty()) {
      // The client sent more before the 101 (RFC 6455 forbids it): what the decoder made of those
      // bytes is not what the backend would read in the tunnel, so neither side gets them.
      backend.close();
      abortClient();
      return;
    }
    Channel clientChannel = ctx.channel();
    ChannelPipeline front = clientChannel.pipeline();
    ChannelPipeline back = backend.pipeline();
    front.addLast(PipelineNames.TUNNEL, new TunnelHandler(backend));
    back.addLast(PipelineNames.TUNNEL, new TunnelHandler(clientChannel));
    back.remove(PipelineNames.BACKEND);
    backend.config().setAutoRead(false);
    proxy.connections().addTunnel(route.backend().id(), clientChannel);
    front.remove(this);
    front.remove(PipelineNames.HTTP_DECODER);
    front.remove(PipelineNames.HEADER_TIMEOUT);
    releaseQueued();
    clientChannel.config().setAutoRead(false);
    clientChannel.read();
    backend.read();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    if (current != null) {
      current.abort();
    }
    endCurrent();
    releaseQueued();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void releaseQueued() {
    Object m;
    while ((m = queued.poll()) != null) {
      discard(m);
    }
  }

  private static void discard(Object msg) {
    if (msg instanceof RequestHead head) {
      head.release();
    } else {
      ReferenceCountUtil.release(msg);
    }
  }
}
