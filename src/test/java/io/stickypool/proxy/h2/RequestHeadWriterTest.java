package io.stickypool.proxy.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestHeadWriterTest {
  private static Http2Headers get() {
    return new DefaultHttp2Headers(false).method("GET").scheme("https").path("/a?b=1").authority("shop.example:8443");
  }

  private static String written(RequestHeadWriter.Head head) {
    try {
      return head.bytes().toString(StandardCharsets.ISO_8859_1);
    } finally {
      head.bytes().release();
    }
  }

  @Test
  void writesTheRequestLineHostAndJoinedCookieCrumbs() throws Exception {
    Http2Headers h = get().add("cookie", "a=1").add("user-agent", "t").add("cookie", "sp=xyz").add("te", "trailers")
        .add("host", "other.example");
    RequestHeadWriter.Head head = RequestHeadWriter.write(ByteBufAllocator.DEFAULT, h, true);
    assertThat(head.body()).isEqualTo(RequestHeadWriter.Body.NONE);
    assertThat(written(head)).isEqualTo(
        "GET /a?b=1 HTTP/1.1\r\nhost: shop.example:8443\r\nuser-agent: t\r\ncookie: a=1; sp=xyz\r\n\r\n");
  }

  @Test
  void aBodyWithoutContentLengthGoesChunkedAndADeclaredOneKeepsItsLength() throws Exception {
    RequestHeadWriter.Head chunked = RequestHeadWriter.write(ByteBufAllocator.DEFAULT, get().method("POST"), false);
    assertThat(chunked.body()).isEqualTo(RequestHeadWriter.Body.CHUNKED);
    assertThat(written(chunked)).endsWith("transfer-encoding: chunked\r\n\r\n");
    RequestHeadWriter.Head counted =
        RequestHeadWriter.write(ByteBufAllocator.DEFAULT, get().method("POST").add("content-length", "12"), false);
    assertThat(counted.body()).isEqualTo(RequestHeadWriter.Body.LENGTH);
    assertThat(counted.length()).isEqualTo(12);
    assertThat(written(counted)).endsWith("content-length: 12\r\n\r\n");
  }

  @Test
  void refusesWhatCouldReadDifferentlyAsHttp1() {
    assertRefused(get().add("x-a", "1\r\nx-injected: yes"), HttpResponseStatus.BAD_REQUEST);
    assertRefused(get().add("x-a", " padded"), HttpResponseStatus.BAD_REQUEST);
    assertRefused(get().path("/a b"), HttpResponseStatus.BAD_REQUEST);
    assertRefused(get().authority("a\nb"), HttpResponseStatus.BAD_REQUEST);
    assertRefused(get().add("content-length", "1").add("content-length", "2"), HttpResponseStatus.BAD_REQUEST);
    assertRefused(get().add("content-length", "+5"), HttpResponseStatus.BAD_REQUEST);
    assertRefused(new DefaultHttp2Headers(false).method("CONNECT").authority("x:443"), HttpResponseStatus.METHOD_NOT_ALLOWED);
    assertRefused(new DefaultHttp2Headers().method("GET").scheme("http"), HttpResponseStatus.BAD_REQUEST);
  }

  private static void assertRefused(Http2Headers h, HttpResponseStatus status) {
    assertThatThrownBy(() -> RequestHeadWriter.write(ByteBufAllocator.DEFAULT, h, false))
        .isInstanceOfSatisfying(RequestHeadWriter.Refused.class, r -> assertThat(r.status).isEqualTo(status));
  }
}
