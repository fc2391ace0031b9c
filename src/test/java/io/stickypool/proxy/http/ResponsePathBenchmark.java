package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.proxy.http.ResponseShaper.ConnectionField;
import io.stickypool.proxy.routing.ProxyRoute;
import io.stickypool.proxy.routing.ResponseDecoration;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One backend response (the harness's nginx answer, 4-byte body) from backend bytes to client
 * bytes: Netty's decoder, header edits and encoder (the path before issue 15) against the byte
 * path (ResponseHead, ResponseShaper, a body slice). Run with
 * {@code scripts/bench-jmh.sh ResponsePathBenchmark -prof gc} for allocation per response too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResponsePathBenchmark {
  private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
      + "Date: Thu, 03 Dec 2026 17:00:00 GMT\r\nContent-Type: application/octet-stream\r\n"
      + "Content-Length: 3\r\nConnection: keep-alive\r\nX-Backend: b1\r\n\r\nb1\n")
      .getBytes(StandardCharsets.US_ASCII);

  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final ResponseHead head = new ResponseHead();
  private final ResponseShaper shaper = new ResponseShaper();
  private final ProxyRoute route = new Route();
  private EmbeddedChannel decoder;
  private EmbeddedChannel encoder;
  private boolean keepAlive;

  /** A returning client: no cookie to set, nothing added. */
  private static final class Route implements ProxyRoute {
    @Override
    public Backend backend() {
      return Backend.active(BackendId.of("b1"), "127.0.0.1", 1);
    }

    @Override
    public InetSocketAddress address() {
      return null;
    }

    @Override
    public boolean trustsProxy(InetAddress client) {
      return false;
    }

    @Override
    public void decorateResponse(ResponseDecoration response) {}

    @Override
    public void decorateRequest(io.stickypool.proxy.routing.RequestDecoration request) {}
  }

  @Setup
  public void setUp() {
    decoder = new EmbeddedChannel(new HttpResponseDecoder(4096, 16384, 16384));
    encoder = new EmbeddedChannel(new HttpResponseEncoder());
  }

  @TearDown
  public void tearDown() {
    decoder.finishAndReleaseAll();
    encoder.finishAndReleaseAll();
  }

  @Benchmark
  public int nettyCodec() {
    decoder.writeInbound(alloc.buffer(RESPONSE.length).writeBytes(RESPONSE));
    HttpObject msg;
    while ((msg = decoder.readInbound()) != null) {
      if (msg instanceof HttpResponse) {
        HttpResponse r = (HttpResponse) msg;
        OldRequestPath.stripHopByHop(r, false);
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        keepAlive = HttpUtil.isKeepAlive(r); // what the old exchange read from every response
      }
      encoder.writeOutbound(msg);
    }
    int n = 0;
    ByteBuf out;
    while ((out = encoder.readOutbound()) != null) {
      n += out.readableBytes();
      out.release();
    }
    return keepAlive ? n : -n;
  }

  @Benchmark
  public int bytePath() {
    ByteBuf in = alloc.buffer(RESPONSE.length).writeBytes(RESPONSE);
    try {
      int end = ResponseHead.findEnd(in, 0, in.writerIndex());
      head.parse(in, 0, end);
      ByteBuf out = shaper.shape(alloc, head, route, false, ConnectionField.NONE);
      ByteBuf body = in.retainedSlice(end, in.writerIndex() - end);
      int n = (out.readableBytes() + body.readableBytes()) * (head.keepAlive() ? 1 : -1);
      ReferenceCountUtil.release(out);
      body.release();
      return n;
    } finally {
      in.release();
    }
  }
}
