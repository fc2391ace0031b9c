package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.stickypool.proxy.routing.ProxyRoute;
import java.net.InetSocketAddress;
import io.netty.util.ReferenceCountUtil;
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
 * One request of a returning client with the affinity cookie. Reading its head: Netty's decoder
 * plus RequestHeadCheck (the path before issue 15) against RequestHead.parse over the same bytes.
 * Reading and forwarding it (what a request costs the proxy before routing and the response):
 * that old path plus its header rewrites and Netty's encoder, against RequestReader plus
 * RequestShaper. Run with {@code scripts/bench-jmh.sh RequestHeadBenchmark -prof gc} for allocation
 * per request too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestHeadBenchmark {
  private static final byte[] REQUEST = ("GET /api/items?page=2 HTTP/1.1\r\nHost: app.example.com\r\n"
      + "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: application/json\r\n"
      + "Accept-Encoding: gzip, deflate\r\nCookie: theme=dark; sp=b1.k7Qx9v; lang=en\r\n\r\n")
      .getBytes(StandardCharsets.US_ASCII);

  private final ProxySettings settings = ProxySettings.defaults();
  private final RequestHead head = new RequestHead(settings);
  private final RequestHeadCheck check = new RequestHeadCheck(settings.maxHeaderCount());
  private static final InetSocketAddress CLIENT = new InetSocketAddress("10.1.2.3", 40000);
  private final ProxyRoute route = new CookieRoute(false, null);
  private final OldRequestPath.ClientAddress oldClient = new OldRequestPath.ClientAddress(CLIENT);
  private final ProxyHeaders.ClientAddress client = new ProxyHeaders.ClientAddress(CLIENT);
  private final RequestShaper shaper = new RequestShaper();
  private ByteBuf bytes;
  private EmbeddedChannel decoder;
  private EmbeddedChannel encoder;
  private EmbeddedChannel reader;

  @Setup
  public void setUp() {
    bytes = PooledByteBufAllocator.DEFAULT.directBuffer(REQUEST.length).writeBytes(REQUEST);
    decoder = new EmbeddedChannel(new StrictRequestDecoder(settings));
    encoder = new EmbeddedChannel(new HttpRequestEncoder());
    reader = new EmbeddedChannel(new RequestReader(settings));
  }

  @TearDown
  public void tearDown() {
    decoder.finishAndReleaseAll();
    encoder.finishAndReleaseAll();
    reader.finishAndReleaseAll();
    bytes.release();
  }

  @Benchmark
  public int oldReadAndForward() {
    decoder.writeInbound(bytes.retainedDuplicate());
    int n = 0;
    for (Object m; (m = decoder.readInbound()) != null; ) {
      if (m instanceof HttpRequest request) {
        check.check(request);
        OldRequestPath.stripHopByHop(request, false);
        request.headers().remove("Expect");
        OldRequestPath.addForwarded(request, oldClient, false);
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        OldRequestPath.stripCookie(request.headers(), "sp");
        request.headers().remove("StickyPool-Previous-Backend");
      }
      encoder.writeOutbound(m);
    }
    for (ByteBuf out; (out = encoder.readOutbound()) != null; ) {
      n += out.readableBytes();
      out.release();
    }
    return n;
  }

  @Benchmark
  public int readAndForward() {
    reader.writeInbound(bytes.retainedDuplicate());
    int n = 0;
    for (Object m; (m = reader.readInbound()) != null; ) {
      if (m instanceof RequestHead head) {
        ByteBuf out = shaper.shape(PooledByteBufAllocator.DEFAULT, head, route, client, false);
        n += out.readableBytes();
        out.release();
        head.release();
      } else {
        ReferenceCountUtil.release(m);
      }
    }
    return n;
  }

  @Benchmark
  public int nettyDecoderAndCheck() {
    decoder.writeInbound(bytes.retainedDuplicate());
    HttpRequest request = decoder.readInbound();
    int status = check.check(request) == null ? 0 : 400;
    ReferenceCountUtil.release(request);
    for (Object m; (m = decoder.readInbound()) != null; ) {
      ReferenceCountUtil.release(m);
    }
    return status;
  }

  @Benchmark
  public int requestHead() {
    return head.parse(bytes, bytes.readerIndex(), bytes.writerIndex()) + head.lines().count();
  }
}
