package io.stickypool.proxy.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseFramerTest {
  /** What the framer told, in order: "H:<status>[:end]" and the body bytes with where it ended. */
  private static final class Recorder implements ResponseFramer.Sink {
    final List<String> events = new ArrayList<>();
    final List<Http2Headers> heads = new ArrayList<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean ended;

    @Override
    public void headers(Http2Headers headers, boolean endStream) {
      heads.add(headers);
      events.add("H:" + headers.status() + (endStream ? ":end" : ""));
      ended |= endStream;
    }

    @Override
    public void data(ByteBuf data, boolean endStream) {
      try {
        byte[] b = new byte[data.readableBytes()];
        data.readBytes(b);
        body.writeBytes(b);
      } finally {
        data.release();
      }
      ended |= endStream;
    }

    String text() {
      return body.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static Recorder feed(ResponseFramer f, String wire, int pieceSize) {
    Recorder r = new Recorder();
    byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < bytes.length; i += pieceSize) {
      ByteBuf piece = Unpooled.wrappedBuffer(bytes, i, Math.min(pieceSize, bytes.length - i));
      try {
        f.accept(ByteBufAllocator.DEFAULT, piece, r);
      } finally {
        piece.release();
      }
    }
    return r;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 1000})
  void dechunksABodyHoweverTheBytesAreSplit(int pieceSize) {
    ResponseFramer f = new ResponseFramer(false);
    Recorder r = feed(f, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\nX-A:  1 \r\n\r\n"
        + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n", pieceSize);
    assertThat(r.events).containsExactly("H:200");
    assertThat(r.heads.get(0).get("x-a").toString()).isEqualTo("1");
    assertThat(r.heads.get(0).contains("transfer-encoding")).isFalse();
    assertThat(r.heads.get(0).contains("connection")).isFalse();
    assertThat(r.text()).isEqualTo("hello world");
    assertThat(r.ended).isTrue();
    assertThat(f.done()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 1000})
  void endsTheStreamWithTheDeclaredLength(int pieceSize) {
    ResponseFramer f = new ResponseFramer(false);
    Recorder r = feed(f, "HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\nbody", pieceSize);
    assertThat(r.events).containsExactly("H:201");
    assertThat(r.heads.get(0).get("content-length").toString()).isEqualTo("4");
    assertThat(r.text()).isEqualTo("body");
    assertThat(r.ended).isTrue();
  }

  @Test
  void aHeadResponseAnd204And304EndWithTheirHeaders() {
    assertThat(feed(new ResponseFramer(true), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", 100).events)
        .containsExactly("H:200:end");
    assertThat(feed(new ResponseFramer(false), "HTTP/1.1 204 No Content\r\n\r\n", 100).events)
        .containsExactly("H:204:end");
    assertThat(feed(new ResponseFramer(false), "HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n", 100).events)
        .containsExactly("H:304:end");
  }

  @Test
  void anInterimResponseComesBeforeTheFinalOne() {
    Recorder r = feed(new ResponseFramer(false),
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 5);
    assertThat(r.events).containsExactly("H:100", "H:200");
    assertThat(r.text()).isEqualTo("ok");
  }

  @Test
  void aBodyUntilTheCloseEndsAtTheClose() {
    ResponseFramer f = new ResponseFramer(false);
    Recorder r = feed(f, "HTTP/1.1 200 OK\r\n\r\nstream of bytes", 4);
    assertThat(r.ended).isFalse();
    assertThat(f.endsAtClose()).isTrue();
    f.close(r);
    assertThat(r.text()).isEqualTo("stream of bytes");
    assertThat(r.ended).isTrue();
  }

  @Test
  void refusesWhatHasNoH2Form() {
    assertThatThrownBy(() -> feed(new ResponseFramer(false), "HTTP/1.1 101 Switching Protocols\r\n\r\n", 100))
        .isInstanceOf(ResponseFramer.BadResponse.class);
    assertThatThrownBy(() -> feed(new ResponseFramer(false), "garbage\r\n\r\n", 100))
        .isInstanceOf(ResponseFramer.BadResponse.class);
  }
}
