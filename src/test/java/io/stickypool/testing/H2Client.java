package io.stickypool.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/2 client for socket tests, on Netty's own codec: h2c with prior knowledge on one
 * connection, each request on its own stream, responses gathered whole. Records a GOAWAY from the
 * server.
 */
public final class H2Client implements AutoCloseable {
  /** A whole response; {@code resetCode} is set (and the rest empty) when the stream was reset. */
  public record Response(int status, Http2Headers headers, byte[] body, long resetCode) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      CharSequence v = headers.get(name);
      return v == null ? null : v.toString();
    }
  }

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  private final int port;
  /** The error code of a GOAWAY the server sent, or -1. */
  public final AtomicLong goAwayCode = new AtomicLong(-1);

  private H2Client(int port) throws InterruptedException {
    this.port = port;
    this.channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(Http2FrameCodecBuilder.forClient()
                        .initialSettings(Http2Settings.defaultSettings().initialWindowSize(1 << 20))
                        .build())
                    .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
                    .addLast(new ChannelInboundHandlerAdapter() {
                      @Override
                      public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Http2GoAwayFrame g) {
                          goAwayCode.set(g.errorCode());
                        }
                        ReferenceCountUtil.release(msg);
                      }
                    });
              }
            })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
  }

  /** Connects with h2c prior knowledge. */
  public static H2Client connect(int port) throws InterruptedException {
    return new H2Client(port);
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  public static Http2Headers get(String path) {
    return new DefaultHttp2Headers().method("GET").scheme("http").path(path).authority("localhost");
  }

  /** Sends {@code headers} and, when {@code body} is not null, that body in DATA frames. */
  public CompletableFuture<Response> send(Http2Headers headers, byte[] body) {
    CompletableFuture<Response> result = new CompletableFuture<>();
    new Http2StreamChannelBootstrap(channel)
        .handler(new Collector(result))
        .open()
        .addListener(f -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(f.cause());
            return;
          }
          Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
          boolean noBody = body == null;
          stream.write(new DefaultHttp2HeadersFrame(headers, noBody));
          if (!noBody) {
            for (int off = 0; off < body.length || off == 0; off += 16_384) {
              int n = Math.min(16_384, body.length - off);
              boolean last = off + n >= body.length;
              stream.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body, off, n), last));
              if (last) {
                break;
              }
            }
          }
          stream.flush();
        });
    return result;
  }

  public Response fetch(Http2Headers headers) throws Exception {
    return send(headers, null).get(10, TimeUnit.SECONDS);
  }

  /** Gathers one stream's response. */
  private static final class Collector extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Response> result;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private Http2Headers headers;

    Collector(CompletableFuture<Response> result) {
      this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame h) {
          int status = h.headers().status() == null ? 0 : Integer.parseInt(h.headers().status().toString());
          if (status >= 200 || status == 0) {
            headers = headers == null ? h.headers() : headers;
          }
          if (h.isEndStream()) {
            complete();
          }
        } else if (msg instanceof Http2DataFrame d) {
          ByteBuf content = d.content();
          body.writeBytes(ByteBufUtil.getBytes(content));
          if (d.isEndStream()) {
            complete();
          }
        } else if (msg instanceof Http2ResetFrame r) {
          result.complete(new Response(0, new DefaultHttp2Headers(), new byte[0], r.errorCode()));
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void complete() {
      int status = Integer.parseInt(headers.status().toString());
      result.complete(new Response(status, headers, body.toByteArray(), -1));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new IllegalStateException("stream closed before its response ended"));
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
