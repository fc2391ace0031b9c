package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
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
 * Reading one request head (a returning client with the affinity cookie): Netty's decoder plus
 * RequestHeadCheck (the path before issue 15) against RequestHead.parse over the same bytes. Only
 * the reading: forwarding is not in either side yet. Run with
 * {@code scripts/bench-jmh.sh RequestHeadBenchmark -prof gc} for allocation per request too.
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
  private ByteBuf bytes;
  private EmbeddedChannel decoder;

  @Setup
  public void setUp() {
    bytes = PooledByteBufAllocator.DEFAULT.directBuffer(REQUEST.length).writeBytes(REQUEST);
    decoder = new EmbeddedChannel(new StrictRequestDecoder(settings));
  }

  @TearDown
  public void tearDown() {
    decoder.finishAndReleaseAll();
    bytes.release();
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
