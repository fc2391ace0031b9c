package io.stickypool.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * A small real HTTP backend for socket tests: it says who it is ({@code X-Backend} header and
 * body), echoes what the proxy told it, streams large downloads, counts uploads, and speaks
 * WebSocket on {@code /ws}. Loopback only, ephemeral port.
 *
 * <ul>
 *   <li>{@code GET /anything}: 200, body {@code <id>}; echoes X-Forwarded-For, Forwarded,
 *       X-Forwarded-Proto, X-Forwarded-Host and StickyPool-Previous-Backend as X-Seen-* headers.
 *   <li>{@code GET /download/N}: N bytes in chunked encoding, pattern {@code i % 251}.
 *   <li>{@code POST|PUT /upload}: counts the body; answers {@code <bytes> <crc32>}.
 *   <li>{@code GET /status/N}: answers status N.
 *   <li>{@code GET /ws}: WebSocket; echoes each text frame as {@code <id>:<text>}.
 * </ul>
 */
public final class TestBackend implements AutoCloseable {
  private final String id;
  private final EventLoopGroup group;
  private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private Channel server;
  private volatile int healthStatus = 200;

  private TestBackend(String id) {
    this.id = id;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  /** Starts a backend on 127.0.0.1 and an ephemeral port. */
  public static TestBackend start(String id) throws InterruptedException {
    TestBackend b = new TestBackend(id);
    b.bind(0);
    return b;
  }

  private void bind(int port) throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    open.add(ch);
                    connections.incrementAndGet();
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new WebSocketServerProtocolHandler("/ws"))
                        .addLast(new WebSocketEcho())
                        .addLast(new Responder());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", port))
            .sync()
            .channel();
  }

  public String id() {
    return id;
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  /** What {@code GET /health} answers from now on. */
  public void setHealthStatus(int status) {
    this.healthStatus = status;
  }

  public int requests() {
    return requests.get();
  }

  public int connectionsAccepted() {
    return connections.get();
  }

  /** Stops listening and drops every open connection: the backend is dead from now on. */
  public void kill() throws InterruptedException {
    server.close().sync();
    open.close().sync();
  }

  /** Listens again on the same port after {@link #kill()}. */
  public void revive() throws InterruptedException {
    bind(port());
  }

  @Override
  public void close() throws InterruptedException {
    kill();
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
  }

  private final class WebSocketEcho extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
      ctx.writeAndFlush(new TextWebSocketFrame(id + ":" + frame.text()));
    }
  }

  private final class Responder extends SimpleChannelInboundHandler<HttpObject> {
    private HttpRequest request;
    private long uploaded;
    private final CRC32 crc = new CRC32();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest) {
        request = (HttpRequest) msg;
        uploaded = 0;
        crc.reset();
        requests.incrementAndGet();
      }
      if (msg instanceof HttpContent) {
        ByteBuf content = ((HttpContent) msg).content();
        uploaded += content.readableBytes();
        crc.update(content.nioBuffer());
        if (msg instanceof LastHttpContent) {
          respond(ctx);
        }
      }
    }

    private void respond(ChannelHandlerContext ctx) {
      String uri = request.uri();
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (uri.startsWith("/download/")) {
        download(ctx, Integer.parseInt(uri.substring("/download/".length())), keepAlive);
        return;
      }
      if (uri.startsWith("/slow/")) {
        long ms = Long.parseLong(uri.substring("/slow/".length()));
        HttpRequest slow = request;
        ctx.executor().schedule(() -> {
          request = slow;
          respondNow(ctx, keepAlive, 200, id);
        }, ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        return;
      }
      int status = uri.startsWith("/status/") ? Integer.parseInt(uri.substring(8))
          : uri.equals("/health") ? healthStatus : 200;
      String body = uri.startsWith("/upload") ? uploaded + " " + crc.getValue() : id;
      respondNow(ctx, keepAlive, status, body);
    }

    private void respondNow(ChannelHandlerContext ctx, boolean keepAlive, int status, String body) {
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.valueOf(status),
              Unpooled.copiedBuffer(body, CharsetUtil.UTF_8));
      r.headers().set("X-Backend", id).setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
      String cacheControl = request.headers().get("X-Answer-Cache-Control");
      if (cacheControl != null) {
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
      }
      echo(r, "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded",
          "StickyPool-Previous-Backend", "Connection", "Cookie");
      send(ctx, r, keepAlive);
    }

    private void echo(HttpResponse r, String... names) {
      for (String name : names) {
        String v = request.headers().get(name);
        if (v != null) {
          r.headers().set("X-Seen-" + name, v);
        }
      }
    }

    private void download(ChannelHandlerContext ctx, int size, boolean keepAlive) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set("X-Backend", id);
      HttpUtil.setTransferEncodingChunked(head, true);
      ctx.write(head);
      int sent = 0;
      while (sent < size) {
        int n = Math.min(16384, size - sent);
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
          bytes[i] = (byte) ((sent + i) % 251);
        }
        sent += n;
        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
        if (sent % (1 << 20) == 0) {
          ctx.flush();
        }
      }
      send(ctx, LastHttpContent.EMPTY_LAST_CONTENT, keepAlive);
    }

    private void send(ChannelHandlerContext ctx, Object msg, boolean keepAlive) {
      if (keepAlive) {
        ctx.writeAndFlush(msg);
      } else {
        ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  /** The download pattern, for checking bodies byte by byte. */
  public static boolean matchesDownloadPattern(byte[] body) {
    for (int i = 0; i < body.length; i++) {
      if ((body[i] & 0xff) != i % 251) {
        return false;
      }
    }
    return true;
  }

  static String hex(ByteBuf b) {
    return ByteBufUtil.hexDump(b);
  }
}
