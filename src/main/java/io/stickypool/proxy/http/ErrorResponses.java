package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** The proxy's own short responses: errors it answers itself instead of a backend. */
final class ErrorResponses {
  private ErrorResponses() {}

  static FullHttpResponse build(
      ChannelHandlerContext ctx, HttpResponseStatus status, String detail, boolean close) {
    ByteBuf body =
        ByteBufUtil.writeUtf8(ctx.alloc(), status.code() + " " + status.reasonPhrase() + ": " + detail + "\n");
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  /** Sends the response; closes the connection after it when {@code close}. */
  static ChannelFuture send(
      ChannelHandlerContext ctx, HttpResponseStatus status, String detail, boolean close) {
    ChannelFuture f = ctx.writeAndFlush(build(ctx, status, detail, close));
    if (close) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
    return f;
  }
}
