package io.stickypool.proxy.h2;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.stickypool.proxy.http.FrontendInitializer;
import io.stickypool.proxy.http.ProxyContext;
import io.stickypool.proxy.http.ProxySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns a client connection that was set up for HTTP/1.1 into an HTTP/2 one, and holds the limits
 * the proxy announces in its SETTINGS.
 *
 * <p>Design: each h2 stream becomes a child channel (Netty's {@link Http2MultiplexHandler}) whose
 * pipeline is a {@link StreamBridge} in front of the very HTTP/1.1 handlers a plain connection gets
 * ({@link FrontendInitializer#addHttp1Handlers}). The bridge writes the stream's request as
 * HTTP/1.1 bytes and turns the HTTP/1.1 response bytes those handlers write back into HEADERS and
 * DATA frames. So one stream is one exchange, and affinity (cookie, header, client IP: a stream
 * channel's remote address is its connection's), Set-Cookie, drain, failover, retries, timeouts and
 * metrics are decided by the same code as for HTTP/1.1, with no second implementation to keep in
 * step; backends are reached over the same HTTP/1.1 keep-alive pools. The cost is one re-encoding of
 * each request and response head, which is small beside HPACK itself.
 *
 * <p>A connection switches by removing the HTTP/1.1 handlers that follow the deciding handler (the
 * h2c preface sniffer or the ALPN switch). Those handlers have seen channelActive, so the
 * connection is already registered with the proxy's open connections: shutdown's {@code close()}
 * of an idle connection becomes Netty's graceful close, a GOAWAY that lets open streams finish.
 */
public final class Http2Frontend {
  /** Streams one client may have open at once; more are refused (RST_STREAM REFUSED_STREAM). */
  static final int MAX_CONCURRENT_STREAMS = 100;
  /** Per-stream receive window: what a stream may send before the proxy has read it. */
  static final int INITIAL_WINDOW_SIZE = 65_535;
  /** Connection receive window: a stalled stream cannot hold the others' share. */
  static final int CONNECTION_WINDOW_SIZE = 1 << 20;
  /** Largest frame payload the proxy accepts (the protocol's minimum, its default). */
  static final int MAX_FRAME_SIZE = 16_384;
  /** RST_STREAM frames a client may send per window before the connection is closed (rapid reset). */
  static final int MAX_RESETS_PER_WINDOW = 200;
  static final int RESET_WINDOW_SECONDS = 30;

  static final String CODEC = "h2-codec";
  static final String MULTIPLEX = "h2-multiplex";
  static final String IDLE = "h2-idle";
  static final String STREAM_BRIDGE = "h2-stream-bridge";

  private Http2Frontend() {}

  /** The SETTINGS the proxy sends; the header list limit is the HTTP/1.1 header block limit. */
  static Http2Settings settings(ProxySettings s) {
    return Http2Settings.defaultSettings()
        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
        .initialWindowSize(INITIAL_WINDOW_SIZE)
        .maxFrameSize(MAX_FRAME_SIZE)
        .maxHeaderListSize(s.maxHeaderSize());
  }

  /**
   * Removes every handler after {@code ctx} (the HTTP/1.1 ones) and puts the HTTP/2 handlers there.
   * Called on the event loop by the handler that decided the protocol, which then leaves.
   */
  static void switchToHttp2(ChannelHandlerContext ctx, ProxyContext proxy) {
    ChannelPipeline p = ctx.pipeline();
    List<ChannelHandler> after = new ArrayList<>();
    boolean seen = false;
    for (Map.Entry<String, ChannelHandler> e : p.toMap().entrySet()) {
      if (seen) {
        after.add(e.getValue());
      }
      seen |= e.getKey().equals(ctx.name());
    }
    after.forEach(p::remove);
    Http2FrameCodec codec =
        Http2FrameCodecBuilder.forServer()
            .initialSettings(settings(proxy.settings()))
            .validateHeaders(true)
            .decoderEnforceMaxRstFramesPerWindow(MAX_RESETS_PER_WINDOW, RESET_WINDOW_SECONDS)
            .build();
    long idleNanos = proxy.settings().keepAliveTimeout().toNanos();
    p.addLast(CODEC, codec)
        .addLast(MULTIPLEX, new Http2MultiplexHandler(new StreamInitializer(proxy)))
        .addLast(IDLE, new IdleConnectionClose(codec, idleNanos));
    widenConnectionWindow(codec);
  }

  private static void widenConnectionWindow(Http2FrameCodec codec) {
    Http2Connection c = codec.connection();
    try {
      c.local().flowController()
          .incrementWindowSize(c.connectionStream(), CONNECTION_WINDOW_SIZE - INITIAL_WINDOW_SIZE);
    } catch (Http2Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A stream's pipeline: the bridge, then the HTTP/1.1 handlers of a plain connection. */
  private static final class StreamInitializer extends ChannelInitializer<Http2StreamChannel> {
    private final ProxyContext proxy;

    StreamInitializer(ProxyContext proxy) {
      this.proxy = proxy;
    }

    @Override
    protected void initChannel(Http2StreamChannel ch) {
      ch.pipeline().addLast(STREAM_BRIDGE, new StreamBridge());
      FrontendInitializer.addHttp1Handlers(ch.pipeline(), proxy);
    }

    @Override
    public boolean isSharable() {
      return true;
    }
  }

  /**
   * The connection's end: closes one that has had no stream open and no bytes for the keep-alive
   * timeout (the codec sends GOAWAY), drains one closed with streams open, and closes on I/O
   * errors the codec passed on.
   */
  private static final class IdleConnectionClose extends IdleStateHandler {
    private final Http2FrameCodec codec;
    private boolean draining;

    IdleConnectionClose(Http2FrameCodec codec, long idleNanos) {
      super(0, 0, idleNanos, TimeUnit.NANOSECONDS);
      this.codec = codec;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, io.netty.handler.timeout.IdleStateEvent evt) {
      if (codec.connection().numActiveStreams() == 0) {
        ctx.close();
      }
    }

    /**
     * A close with streams open (the proxy's graceful shutdown closes idle-looking connections) is
     * a drain: GOAWAY NO_ERROR naming the last stream, so the client opens no more, then the close
     * once the open ones end. Netty's own graceful close here closed at once with a stream open.
     * A second close (shutdown's force after its grace) closes now.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
      Http2Connection c = codec.connection();
      if (draining || c.numActiveStreams() == 0 || !ctx.channel().isActive()) {
        super.close(ctx, promise);
        return;
      }
      draining = true;
      c.addListener(new Http2ConnectionAdapter() {
        @Override
        public void onStreamClosed(Http2Stream stream) {
          if (c.numActiveStreams() == 0) {
            ctx.close(promise);
          }
        }
      });
      ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!(cause instanceof Http2Exception)) { // the codec answers those itself, with the right GOAWAY
        ctx.close();
      }
    }
  }
}
