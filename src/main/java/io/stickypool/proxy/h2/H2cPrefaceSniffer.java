package io.stickypool.proxy.h2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.stickypool.proxy.http.ProxyContext;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First handler of a plain connection: HTTP/2 with prior knowledge (RFC 9113 3.3) starts with the
 * connection preface, whose first line {@code PRI * HTTP/2.0} no HTTP/1.1 request can start with.
 * Once that line is seen the connection becomes HTTP/2 (the codec then checks the rest of the
 * preface and answers a bad one with GOAWAY PROTOCOL_ERROR); at the first byte that differs it stays
 * HTTP/1.1 and this handler leaves, passing on what it read. An HTTP/1.1 request is therefore
 * decided on its first byte, with no wait and no copy.
 */
public final class H2cPrefaceSniffer extends ByteToMessageDecoder {
  private static final byte[] PREFACE_LINE = "PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ProxyContext proxy;

  public H2cPrefaceSniffer(ProxyContext proxy) {
    this.proxy = proxy;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE_LINE.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != PREFACE_LINE[i]) {
        ctx.pipeline().remove(this);
        return;
      }
    }
    if (n == PREFACE_LINE.length) {
      Http2Frontend.switchToHttp2(ctx, proxy);
      ctx.pipeline().remove(this);
    }
  }
}
