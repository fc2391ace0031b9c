package io.stickypool.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.stickypool.proxy.routing.ProxyRoute;
import io.stickypool.proxy.server.PipelineNames;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One client connection: turns decoded requests into {@link Exchange}s, one at a time. Pipelined
 * requests wait in a queue until the exchange before them has answered, so responses keep their
 * order. Reads are driven by hand (auto-read is off): the next bytes are read only when there is
 * somewhere to put them, which is the backpressure from backend to client.
 *
 * <p>Event-loop confined.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
  /** Pipelined messages held while an exchange runs; past this, reading pauses. */
  private static final int MAX_QUEUED = 16;

  private final ProxyContext proxy;
  private final ArrayDeque<HttpObject> queued = new ArrayDeque<>(2);
  private ChannelHandlerContext ctx;
  private InetSocketAddress client;
  private ProxyHeaders.ClientAddress clientAddress;
  private HeaderTimeoutHandler headerTimeout;
  private FrontendResponseEncoder encoder;
  private Exchange current;
  private boolean closing;
  private boolean inRead;

  FrontendHandler(ProxyContext proxy) {
    this.proxy = proxy;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.headerTimeout = ctx.pipeline().get(HeaderTimeoutHandler.class);
    this.encoder = ctx.pipeline().get(FrontendResponseEncoder.class);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = (InetSocketAddress) ctx.channel().remoteAddress();
    clientAddress = new ProxyHeaders.ClientAddress(client);
    proxy.connections().add(ctx.channel());
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
    if (!(msg instanceof HttpObject) || closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (current != null) {
      if (!current.requestComplete() && msg instanceof HttpContent) {
        current.onRequestContent((HttpContent) msg);
      } else {
        queued.add((HttpObject) msg); // a pipelined request: answered after the current one
      }
      updateReading();
      return;
    }
    handle((HttpObject) msg);
    updateReading();
  }

  private void handle(HttpObject msg) {
    if (msg instanceof HttpRequest) {
      HttpRequest request = (HttpRequest) msg;
      if (request.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        rejectMalformed(request.decoderResult());
        return;
      }
      headerTimeout.requestHeadReceived();
      ctx.channel().attr(OpenConnections.BUSY).set(Boolean.TRUE);
      current = new Exchange(this, ctx, proxy, request);
      encoder.currentRequestIsHead(current.isHead());
      if (msg instanceof HttpContent) {
        current.start();
        current.onRequestContent((HttpContent) msg);
      } else {
        current.start();
      }
    } else {
      DecoderResult result = msg.decoderResult();
      ReferenceCountUtil.release(msg);
      if (result.isFailure()) {
        rejectMalformed(result);
      }
    }
  }

  private void rejectMalformed(DecoderResult result) {
    Throwable cause = result.cause();
    HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
    String detail = "malformed request";
    if (cause instanceof TooLongHttpLineException) {
      status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
      detail = "request line too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
      detail = "request headers too large";
    } else if (cause != null && cause.getMessage() != null) {
      detail = "malformed request: " + cause.getMessage();
    }
    closing = true;
    encoder.currentRequestIsHead(false);
    releaseQueued();
    ErrorResponses.send(ctx, status, detail, true);
  }

  void writeResponseHead(HttpResponse response) {
    ctx.write(response, ctx.voidPromise());
  }

  /** The exchange answered; continue with the next request or close. */
  void exchangeDone(boolean close) {
    current = null;
    ctx.channel().attr(OpenConnections.BUSY).set(Boolean.FALSE);
    if (close || proxy.connections().shuttingDown()) {
      closing = true;
      releaseQueued();
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    headerTimeout.exchangeFinished();
    HttpObject next;
    while (current == null && !closing && (next = queued.poll()) != null) {
      handle(next);
    }
    updateReading();
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
      want = false;
    } else if (current == null) {
      want = queued.size() < MAX_QUEUED;
    } else if (!current.requestComplete()) {
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
    current = null;
    releaseQueued();
    ctx.close();
  }

  /**
   * A 101 went to the client: from here both connections carry raw bytes. The HTTP handlers leave
   * both pipelines; bytes the decoders still held are passed on to the tunnels.
   */
  void switchToTunnel(Channel backend, ProxyRoute route) {
    current = null;
    Channel clientChannel = ctx.channel();
    ChannelPipeline front = clientChannel.pipeline();
    ChannelPipeline back = backend.pipeline();
    front.addLast(PipelineNames.TUNNEL, new TunnelHandler(backend));
    back.addLast(PipelineNames.TUNNEL, new TunnelHandler(clientChannel));
    back.remove(PipelineNames.BACKEND);
    back.remove(PipelineNames.BACKEND_CODEC);
    backend.config().setAutoRead(false);
    proxy.connections().addTunnel(route.backend().id(), clientChannel);
    front.remove(this);
    front.remove(PipelineNames.HTTP_ENCODER);
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
      current = null;
    }
    releaseQueued();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void releaseQueued() {
    HttpObject m;
    while ((m = queued.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
  }
}
