package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.stickypool.proxy.http.ResponseShaper.ConnectionField;
import io.stickypool.proxy.routing.ProxyRoute;
import io.stickypool.proxy.routing.RequestRouter.ExchangeResult;
import java.util.ArrayDeque;

/**
 * One request and its response, from the client's request head to the last response byte. Streams
 * both bodies (nothing is aggregated), pins the backend connection to the client connection's event
 * loop, and retries once where it is safe: the backend was never reached, or a reused keep-alive
 * connection died before answering an idempotent request that had no body.
 *
 * <p>Event-loop confined: created, driven and finished on the client connection's event loop.
 */
final class Exchange implements BackendListener {
  private static final byte[] GET = Ascii.bytes("GET");
  private static final byte[] HEAD = Ascii.bytes("HEAD");
  private static final byte[] OPTIONS = Ascii.bytes("OPTIONS");
  private static final byte[] PUT = Ascii.bytes("PUT");
  private static final byte[] DELETE = Ascii.bytes("DELETE");
  private static final byte[] TRACE = Ascii.bytes("TRACE");

  /** Where the exchange is; the facts about the request and the connection are the flags below. */
  private enum Phase {
    /** Routed, connecting or forwarding the request; no response byte has gone to the client. */
    AWAITING_RESPONSE,
    /** The response head went to the client; its body is being relayed. */
    RESPONDING,
    /** Answered, failed or aborted: nothing more happens. */
    DONE
  }

  private final FrontendHandler frontend;
  private final ChannelHandlerContext ctx;
  private final ProxyContext proxy;
  /** Valid until the frontend ends this exchange (it releases the head then). */
  private final RequestHead request;
  private final boolean idempotent;
  private final boolean headRequest;
  private final boolean upgrade;
  private final boolean expectContinue;
  private final boolean http10;
  private final long startNanos = System.nanoTime();
  /** Body parts that came before a backend connection was ready; made only when needed. */
  private ArrayDeque<HttpContent> pendingBody;
  private final Runnable onResponseTimeout = this::responseTimedOut;

  private ProxyRoute route;
  private Channel backend;
  private BackendHandler backendHandler;
  private boolean reusedConnection;
  /** The last part of the request came from the client. */
  private boolean requestReceived;
  /** The last part of the request was written to the backend connection now in use. */
  private boolean requestForwarded;
  private boolean bodyWritten;
  private boolean backendReusable;
  private boolean switchingProtocols;
  private boolean closeClient;
  /** The client's scheme is https (TLS here, or a trusted proxy says so): the cookie is Secure. */
  private boolean clientHttps;
  private Phase phase = Phase.AWAITING_RESPONSE;
  private int status;
  private int attempts;
  private boolean rerouted;
  private boolean responseTimerArmed;

  Exchange(FrontendHandler frontend, ChannelHandlerContext ctx, ProxyContext proxy, RequestHead request) {
    this.frontend = frontend;
    this.ctx = ctx;
    this.proxy = proxy;
    this.request = request;
    this.headRequest = request.methodIs(HEAD);
    this.idempotent = headRequest || request.methodIs(GET) || request.methodIs(OPTIONS)
        || request.methodIs(PUT) || request.methodIs(DELETE) || request.methodIs(TRACE);
    this.upgrade = request.isWebSocketUpgrade();
    this.expectContinue = request.expectsContinue();
    this.closeClient = !request.keepAlive();
    this.http10 = request.versionMinor() == 0;
  }

  /** Routes the request and starts talking to the backend. */
  void start() {
    route = proxy.router().route(request, frontend.clientAddress());
    if (route == null) {
      failToClient(HttpResponseStatus.SERVICE_UNAVAILABLE, "no live backend");
      return;
    }
    connect();
  }

  private void connect() {
    connect(false);
  }

  /** @param fresh skip the pool: a pooled connection just turned out dead, its siblings may be too */
  private void connect(boolean fresh) {
    attempts++;
    Channel pooled = fresh ? null : proxy.pool().poll(ctx.channel().eventLoop(), route.address());
    if (pooled != null) {
      reusedConnection = true;
      attach(pooled, !frontend.inRead());
      return;
    }
    reusedConnection = false;
    ProxyRoute target = route;
    proxy.connector().connect(ctx.channel().eventLoop(), route.address())
        .addListener((ChannelFuture f) -> onConnected(f, target));
  }

  private void onConnected(ChannelFuture f, ProxyRoute target) {
    if (phase == Phase.DONE || target != route) {
      if (f.isSuccess()) {
        f.channel().close();
      }
      return;
    }
    if (f.isSuccess()) {
      attach(f.channel(), true);
    } else {
      failBeforeResponse(ExchangeResult.CONNECT_FAILED);
    }
  }

  private void attach(Channel ch, boolean flushNow) {
    backend = ch;
    backendHandler = ch.pipeline().get(BackendHandler.class);
    backendHandler.bind(this, isHead(), http10);
    // Shaped per attempt: a reroute changes what the route adds. A failed write fires
    // exceptionCaught on the backend pipeline, which reports the connection as broken.
    ch.write(frontend.requestShaper().shape(ch.alloc(), request, route, frontend.client(), upgrade), ch.voidPromise());
    clientHttps = frontend.requestShaper().clientHttps(frontend.client());
    HttpContent c;
    while ((c = pollPending()) != null) {
      writeToBackend(c);
    }
    if (flushNow) {
      ch.flush(); // otherwise the client connection's read-complete flushes it with the body
    }
    if (expectContinue && !requestReceived) {
      ctx.writeAndFlush(ErrorResponses.continueResponse(ctx.alloc()), ctx.voidPromise());
    }
    armResponseTimer();
    frontend.updateReading();
  }

  /** Request body from the client; queued until a backend connection is ready. */
  void onRequestContent(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      content.release();
      abortBadRequest();
      return;
    }
    boolean last = content instanceof LastHttpContent;
    requestReceived |= last;
    if (phase == Phase.DONE) {
      content.release();
      return;
    }
    if (backend == null) {
      pend(content);
      return;
    }
    writeToBackend(content);
    if (last) {
      FlushBatch.flushAfterReads(backend);
    }
    armResponseTimer(); // the wait for the next piece, or for the answer, starts again
  }

  /** Body parts leave in the order they came; the request is forwarded once its last part is. */
  private void writeToBackend(HttpContent content) {
    bodyWritten |= content.content().isReadable();
    requestForwarded |= content instanceof LastHttpContent;
    backend.write(content.content(), backend.voidPromise()); // the bytes as they came
  }

  /** Whether the frontend should read more of the request body now. */
  boolean wantsRequestBody() {
    return !requestReceived && phase != Phase.DONE && backend != null && backend.isWritable();
  }

  void flushToBackend() {
    if (backend != null) {
      FlushBatch.flushAfterReads(backend);
    }
  }

  @Override
  public void onResponseHead(ResponseHead head) {
    int code = head.status();
    if (code >= 100 && code < 200 && code != 101) {
      return; // 100 Continue was answered by us; other 1xx are dropped
    }
    if (code == 101 && !(upgrade && head.upgradesToWebSocket())) {
      // A switch nobody asked for (or to another protocol) would turn the connection into a
      // blind tunnel; the backend is out of step with this exchange.
      failBeforeResponse(ExchangeResult.BROKEN_RESPONSE);
      return;
    }
    cancelResponseTimer();
    phase = Phase.RESPONDING;
    status = code;
    switchingProtocols = code == 101;
    boolean untilClose = head.framing(isHead()) == ResponseHead.Framing.UNTIL_CLOSE;
    backendReusable = head.keepAlive() && !untilClose;
    // HTTP/1.0 has no chunked coding: the body goes raw and its end is the close.
    boolean dechunk = http10 && head.chunked();
    ConnectionField connection = connectionField(dechunk || untilClose);
    frontend.writeResponse(frontend.shaper().clientSecure(clientHttps).shape(ctx.alloc(), head, route, dechunk, connection));
  }

  private ConnectionField connectionField(boolean endsAtClose) {
    if (switchingProtocols) {
      return ConnectionField.UPGRADE;
    }
    closeClient |= proxy.connections().shuttingDown() || !requestReceived || endsAtClose;
    return closeClient ? ConnectionField.CLOSE : http10 ? ConnectionField.KEEP_ALIVE : ConnectionField.NONE;
  }

  @Override
  public void onResponseBody(ByteBuf part, boolean last) {
    if (phase == Phase.DONE) {
      part.release();
      return;
    }
    if (last) {
      ctx.writeAndFlush(part, ctx.voidPromise());
      completeResponse();
    } else {
      ctx.write(part, ctx.voidPromise());
    }
  }

  @Override
  public void onResponseBroken(String why) {
    if (phase != Phase.DONE) {
      failBeforeResponse(ExchangeResult.BROKEN_RESPONSE);
    }
  }

  private void completeResponse() {
    phase = Phase.DONE;
    cancelResponseTimer();
    proxy.router().record(route, ExchangeResult.RESPONDED, status, System.nanoTime() - startNanos);
    if (switchingProtocols) {
      backendHandler.unbind();
      frontend.switchToTunnel(backend, route);
      return;
    }
    // Reused only when both messages ended cleanly on it: a request body the backend did not get
    // whole would be read as the start of the next client's request.
    releaseBackend(backendReusable && requestForwarded);
    frontend.exchangeDone(closeClient);
  }

  private void releaseBackend(boolean reuse) {
    Channel ch = backend;
    if (ch == null) {
      return;
    }
    backend = null;
    backendHandler.unbind();
    if (!ch.config().isAutoRead()) {
      ch.config().setAutoRead(true);
    }
    if (reuse) {
      proxy.pool().offer(ch, route.address());
    } else {
      ch.close();
    }
  }

  @Override
  public void onBackendReadComplete() {
    ctx.flush();
  }

  @Override
  public void onBackendClosed() {
    if (phase != Phase.DONE) {
      failBeforeResponse(ExchangeResult.BROKEN_RESPONSE);
    }
  }

  @Override
  public void onBackendError(Throwable cause) {
    if (phase != Phase.DONE) {
      failBeforeResponse(ExchangeResult.BROKEN_RESPONSE);
    }
  }

  @Override
  public void onBackendWritabilityChanged(boolean writable) {
    if (writable) {
      frontend.updateReading();
    }
  }

  /** The client's side became (un)writable: stop or resume reading the backend's response. */
  void onClientWritabilityChanged(boolean writable) {
    if (backend != null) {
      backend.config().setAutoRead(writable);
    }
  }

  /**
   * The backend could not be reached or broke before a whole response. Before any response byte
   * went to the client we may retry; after, the client connection is cut (it cannot be told).
   */
  private void failBeforeResponse(ExchangeResult result) {
    RetryPolicy.Failure failure = new RetryPolicy.Failure(result, attempts, reusedConnection,
        phase == Phase.RESPONDING, idempotent, bodyWritten || pendingBody != null && !pendingBody.isEmpty(), rerouted);
    if (!failure.staleConnection()) {
      // A keep-alive connection the backend closed while idle says nothing about its health.
      proxy.router().record(route, result, 0, System.nanoTime() - startNanos);
    }
    releaseBackend(false);
    switch (RetryPolicy.decide(failure)) {
      case CUT_CLIENT -> {
        phase = Phase.DONE;
        frontend.abortClient();
      }
      case REPLAY_SAME_BACKEND -> replay(true);
      case REPLAY_ELSEWHERE -> {
        ProxyRoute next = proxy.router().reroute(route, request, frontend.clientAddress());
        if (next == null) {
          failUnreachable(result);
          return;
        }
        rerouted = true;
        route = next;
        replay(false);
      }
      case NO_OTHER_BACKEND -> failUnreachable(result);
      default -> failToClient(HttpResponseStatus.BAD_GATEWAY, "backend closed the connection or sent an invalid response");
    }
  }

  private void failUnreachable(ExchangeResult result) {
    failToClient(result == ExchangeResult.CONNECT_FAILED
        ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.BAD_GATEWAY, "backend unreachable");
  }

  /** @param fresh skip the pool: a pooled connection just turned out dead, its siblings may be too */
  private void replay(boolean fresh) {
    if (requestForwarded) {
      // The empty end of the request went to the broken connection; the replay needs its own.
      pend(LastHttpContent.EMPTY_LAST_CONTENT);
      requestForwarded = false;
    }
    connect(fresh);
  }

  private void failToClient(HttpResponseStatus status, String detail) {
    phase = Phase.DONE;
    cancelResponseTimer();
    releasePending();
    closeClient |= !requestReceived || proxy.connections().shuttingDown();
    this.status = status.code();
    frontend.writeResponse(ErrorResponses.build(ctx.alloc(), status, detail, closeClient, isHead()));
    ctx.flush();
    frontend.exchangeDone(closeClient);
  }

  private void abortBadRequest() {
    if (phase == Phase.DONE) {
      frontend.abortClient();
      return;
    }
    releaseBackend(false);
    if (phase == Phase.RESPONDING) {
      phase = Phase.DONE;
      frontend.abortClient();
    } else {
      closeClient = true;
      failToClient(HttpResponseStatus.BAD_REQUEST, "malformed request body");
    }
  }

  /** The client went away: drop everything of this exchange. */
  void abort() {
    phase = Phase.DONE;
    cancelResponseTimer();
    releasePending();
    releaseBackend(false);
  }

  private void releasePending() {
    HttpContent c;
    while ((c = pollPending()) != null) {
      ReferenceCountUtil.release(c);
    }
  }

  private void pend(HttpContent content) {
    if (pendingBody == null) {
      pendingBody = new ArrayDeque<>(2);
    }
    pendingBody.add(content);
  }

  private HttpContent pollPending() {
    return pendingBody == null ? null : pendingBody.poll();
  }

  /**
   * (Re)starts the clock from now: the backend timeout runs from the request head, and again from
   * each piece of body, so a body that stops short ends the exchange as surely as a silent backend.
   */
  private void armResponseTimer() {
    if (phase == Phase.AWAITING_RESPONSE) {
      responseTimerArmed = true;
      frontend.timeouts().expectResponseWithin(proxy.settings().backendTimeout().toNanos(), onResponseTimeout);
    }
  }

  private void cancelResponseTimer() {
    if (responseTimerArmed) {
      responseTimerArmed = false;
      frontend.timeouts().responseStarted();
    }
  }

  private void responseTimedOut() {
    responseTimerArmed = false;
    if (phase != Phase.AWAITING_RESPONSE) {
      return;
    }
    if (!requestReceived && backend != null && backend.isWritable()) {
      releaseBackend(false);
      failToClient(HttpResponseStatus.REQUEST_TIMEOUT, "request body not received in time");
      return;
    }
    proxy.router().record(route, ExchangeResult.TIMED_OUT, 0, System.nanoTime() - startNanos);
    releaseBackend(false);
    failToClient(HttpResponseStatus.GATEWAY_TIMEOUT, "backend did not answer in time");
  }

  boolean isHead() {
    return headRequest;
  }
}
