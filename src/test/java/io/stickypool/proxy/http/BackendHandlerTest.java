package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.stickypool.proxy.pool.BackendConnectionPool;
import io.stickypool.testing.LeakDetection;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The backend side's response reader on its own: heads found and judged, body ends found by
 * length, chunks or close, whatever way the bytes are split across reads.
 */
@ExtendWith(LeakDetection.class)
class BackendHandlerTest {
  private static final String CHUNKED_BODY =
      "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n";

  /** What the exchange would have been told. */
  private static final class Recorder implements BackendListener {
    final List<Integer> heads = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    int ends;
    String broken;
    boolean closed;

    @Override
    public void onResponseHead(ResponseHead head) {
      heads.add(head.status());
    }

    @Override
    public void onResponseBody(ByteBuf part, boolean last) {
      byte[] b = new byte[part.readableBytes()];
      part.readBytes(b);
      part.release();
      body.writeBytes(b);
      ends += last ? 1 : 0;
    }

    @Override
    public void onResponseBroken(String why) {
      broken = why;
    }

    @Override
    public void onBackendReadComplete() {}

    @Override
    public void onBackendClosed() {
      closed = true;
    }

    @Override
    public void onBackendError(Throwable cause) {
      broken = cause.toString();
    }

    @Override
    public void onBackendWritabilityChanged(boolean writable) {}

    String body() {
      return body.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static EmbeddedChannel channel(Recorder r, boolean headRequest, boolean dataOnly) {
    BackendHandler h = new BackendHandler(new BackendConnectionPool(4, 1_000_000_000L), new InetSocketAddress(1));
    h.bind(r, headRequest, dataOnly);
    return new EmbeddedChannel(h);
  }

  /** Writes {@code text} in pieces cut at {@code cuts} (ascending offsets). */
  private static void feed(EmbeddedChannel ch, String text, int... cuts) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    int from = 0;
    for (int cut : cuts) {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, from, cut - from));
      from = cut;
    }
    ch.writeInbound(Unpooled.wrappedBuffer(bytes, from, bytes.length - from));
  }

  private static Recorder read(String response, boolean dataOnly, int... cuts) {
    Recorder r = new Recorder();
    EmbeddedChannel ch = channel(r, false, dataOnly);
    feed(ch, response, cuts);
    assertThat(ch.isOpen()).as("connection kept").isTrue();
    assertThat(ch.finishAndReleaseAll()).isFalse();
    return r;
  }

  @Test
  void findsTheEndOfALengthBodyWhereverTheReadsSplit() {
    String response = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-A: b\r\n\r\nhello world";
    for (int cut = 1; cut < response.length(); cut++) {
      Recorder r = read(response, false, cut);
      assertThat(r.heads).as("cut at %d", cut).containsExactly(200);
      assertThat(r.body()).isEqualTo("hello world");
      assertThat(r.ends).isEqualTo(1);
    }
  }

  @Test
  void passesAChunkedBodyThroughAsItCameWhereverTheReadsSplit() {
    String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_BODY;
    Random random = new Random(15);
    for (int i = 0; i < 300; i++) {
      int a = 1 + random.nextInt(response.length() - 2);
      int b = a + 1 + random.nextInt(response.length() - a - 1);
      Recorder r = read(response, false, a, b);
      assertThat(r.body()).as("cuts %d %d", a, b).isEqualTo(CHUNKED_BODY);
      assertThat(r.ends).isEqualTo(1);
    }
  }

  @Test
  void passesOnlyTheDataOfAChunkedBodyForAnHttp10Client() {
    String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_BODY;
    for (int cut = 1; cut < response.length(); cut++) {
      Recorder r = read(response, true, cut);
      assertThat(r.body()).as("cut at %d", cut).isEqualTo("helloabcdefghijklmnopqrstuvwxyz");
      assertThat(r.ends).isEqualTo(1);
    }
  }

  @Test
  void skipsInterimResponsesAndReadsTheFinalOne() {
    Recorder r = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        + "HTTP/1.1 204 No Content\r\n\r\n", false);
    assertThat(r.heads).containsExactly(100, 103, 204);
    assertThat(r.ends).isEqualTo(1);
  }

  @Test
  void readsNoBodyForHeadAnd304() {
    Recorder head = new Recorder();
    EmbeddedChannel ch = channel(head, true, false);
    feed(ch, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
    assertThat(head.ends).isEqualTo(1);
    assertThat(ch.finishAndReleaseAll()).isFalse();
    Recorder notModified = read("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", false);
    assertThat(notModified.ends).isEqualTo(1);
  }

  /** Feeds the response, then the backend closes. */
  private static Recorder closedAfter(String response) {
    Recorder r = new Recorder();
    EmbeddedChannel ch = channel(r, false, false);
    feed(ch, response);
    assertThat(r.ends).isZero();
    ch.close();
    assertThat(ch.finishAndReleaseAll()).isFalse();
    return r;
  }

  @Test
  void endsABodyWithoutFramingAtTheClose() {
    Recorder r = closedAfter("HTTP/1.0 200 OK\r\n\r\nuntil the end");
    assertThat(r.body()).isEqualTo("until the end");
    assertThat(r.ends).isEqualTo(1);
    assertThat(r.closed).isFalse();
  }

  @Test
  void reportsACloseBeforeTheLengthIsReachedAsAClose() {
    Recorder r = closedAfter("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
    assertThat(r.ends).isZero();
    assertThat(r.closed).isTrue();
  }

  @Test
  void refusesInvalidHeads() {
    List<String> invalid = List.of(
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\r\n folded\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX A: a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\n\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
        "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(ResponseHead.MAX_BYTES) + "\r\n\r\n");
    for (String response : invalid) {
      Recorder r = new Recorder();
      EmbeddedChannel ch = channel(r, false, false);
      feed(ch, response);
      assertThat(r.broken).as(response.length() > 200 ? "huge head" : response).isNotNull();
      assertThat(r.ends).isZero();
      assertThat(ch.finishAndReleaseAll()).isFalse();
    }
  }

  @Test
  void dropsTheConnectionOnBytesNobodyAskedFor() {
    Recorder r = new Recorder();
    EmbeddedChannel ch = channel(r, false, false);
    feed(ch, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    ch.pipeline().get(BackendHandler.class).unbind();
    feed(ch, "HTTP/1.1 200 OK\r\n\r\n");
    assertThat(ch.isOpen()).isFalse();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }
}
