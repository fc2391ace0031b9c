package io.stickypool.proxy.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.stickypool.proxy.server.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener, separate from traffic so probes and scrapes never queue behind client load
 * and the port can be kept off the public Service. Small requests only (64 KiB).
 */
public final class AdminServer implements AutoCloseable {
  private final AdminRoutes routes;
  private final EventLoopGroup group;
  private final Transport transport;
  /** Closed, and waited for, before the event loop stops: see OpenConnections.closeAll. */
  private final ChannelGroup connections = new DefaultChannelGroup("admin", GlobalEventExecutor.INSTANCE);
  private Channel listener;

  public AdminServer(AdminRoutes routes, Transport transport) {
    this.routes = routes;
    this.transport = transport;
    this.group = transport.newGroup(1, "sp-admin");
  }

  public InetSocketAddress start(InetSocketAddress bind) throws InterruptedException {
    listener =
        new ServerBootstrap()
            .group(group)
            .channelFactory(transport.serverChannelFactory(bind))
            .option(io.netty.channel.ChannelOption.SO_REUSEADDR, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast(new HttpServerCodec(4096, 8192, 8192))
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(new Handler());
                  }
                })
            .bind(bind)
            .sync()
            .channel();
    return (InetSocketAddress) listener.localAddress();
  }

  @Override
  public void close() throws InterruptedException {
    if (listener != null) {
      listener.close().sync();
    }
    connections.close().await(1, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(3, TimeUnit.SECONDS);
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      AdminResponse answer;
      if (req.decoderResult().isFailure()) {
        answer = AdminResponse.text(400, "malformed request\n");
      } else {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        AdminRequest request =
            new AdminRequest(
                req.method().name(),
                uri.path(),
                uri.parameters(),
                req.headers().get(HttpHeaderNames.AUTHORIZATION),
                ByteBufUtil.getBytes(req.content()));
        try {
          answer = routes.dispatch(request);
        } catch (RuntimeException e) {
          answer = AdminResponse.text(500, "admin endpoint failed: " + e + "\n");
        }
      }
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
      res.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
          .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
      if (answer.status() == 401) {
        res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      }
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      if (keepAlive) {
        ctx.writeAndFlush(res);
      } else {
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
