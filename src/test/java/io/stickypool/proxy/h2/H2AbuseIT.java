package io.stickypool.proxy.h2;

import static io.stickypool.testing.RawH2.CONTINUATION;
import static io.stickypool.testing.RawH2.DATA;
import static io.stickypool.testing.RawH2.END_HEADERS;
import static io.stickypool.testing.RawH2.END_STREAM;
import static io.stickypool.testing.RawH2.GOAWAY;
import static io.stickypool.testing.RawH2.HEADERS;
import static io.stickypool.testing.RawH2.RST_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http2.Http2Error;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ProxyHarness;
import io.stickypool.testing.RawH2;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * h2spec-style bad input on the plain listener, frame by frame on a raw socket: what the proxy
 * answers, and that abuse ends the connection instead of costing unbounded work or memory.
 */
@ExtendWith(LeakDetection.class)
class H2AbuseIT {
  private static ProxyHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = ProxyHarness.cookieMode(2, KeyRing.generate(new SecureRandom()));
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
  }

  private static int backendRequests() {
    return h.backends.stream().mapToInt(b -> b.requests()).sum();
  }

  @Test
  void aWellFormedRawRequestIsAnswered() throws Exception {
    try (RawH2 c = RawH2.connect(h.port())) {
      c.frame(HEADERS, END_HEADERS | END_STREAM, 1, RawH2.get("/raw"));
      RawH2.Frame f = c.readUntil(HEADERS);
      assertThat(c.headers(f).status().toString()).isEqualTo("200");
    }
  }

  @Test
  void aBrokenPrefaceAfterThePriLineGetsGoAwayProtocolError() throws Exception {
    try (RawH2 c = RawH2.open(h.port())) {
      c.write("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      RawH2.Frame goAway = c.goAwayThenClose();
      assertThat(goAway).isNotNull();
      assertThat(goAway.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
    }
  }

  @Test
  void bytesThatAreNotThePrefaceAreReadAsHttp1() throws Exception {
    try (Socket s = new Socket("127.0.0.1", h.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("PRX * HTTP/2.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(answer).isEqualTo("HTTP/1.1 400");
    }
  }

  @Test
  void aFrameLargerThanMaxFrameSizeGetsGoAwayFrameSizeError() throws Exception {
    try (RawH2 c = RawH2.connect(h.port())) {
      c.frame(DATA, 0, 1, new byte[Http2Frontend.MAX_FRAME_SIZE + 1]);
      RawH2.Frame goAway = c.goAwayThenClose();
      assertThat(goAway).isNotNull();
      assertThat(goAway.errorCode()).isEqualTo(Http2Error.FRAME_SIZE_ERROR.code());
    }
  }

  @Test
  void aHeaderListOverTheLimitGets431() throws Exception {
    try (RawH2 c = RawH2.connect(h.port())) {
      byte[] block = RawH2.block(":method", "GET", ":scheme", "http", ":path", "/big", ":authority", "x",
          "x-big", "a".repeat(17_000));
      int first = 16_000;
      c.frame(HEADERS, END_STREAM, 1, java.util.Arrays.copyOfRange(block, 0, first));
      c.frame(CONTINUATION, END_HEADERS, 1, java.util.Arrays.copyOfRange(block, first, block.length));
      RawH2.Frame f = c.readUntil(HEADERS);
      assertThat(f).isNotNull();
      assertThat(c.headers(f).status().toString()).isEqualTo("431");
    }
  }

  @Test
  void aRapidResetFloodClosesTheConnectionAfterBoundedWork() throws Exception {
    int before = backendRequests();
    int sent = 0;
    try (RawH2 c = RawH2.connect(h.port())) {
      try {
        for (int stream = 1; sent < 5_000; stream += 2, sent++) {
          c.frame(HEADERS, END_HEADERS | END_STREAM, stream, RawH2.get("/reset"));
          c.frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, (byte) Http2Error.CANCEL.code()});
        }
      } catch (IOException closedByServer) {
        // the server closed while we were still sending: the point of the test
      }
      RawH2.Frame goAway = c.goAwayThenClose();
      assertThat(goAway).isNotNull();
      assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
    }
    assertThat(backendRequests() - before).isLessThanOrEqualTo(Http2Frontend.MAX_RESETS_PER_WINDOW + 1);
  }

  @Test
  void aContinuationFloodClosesTheConnection() throws Exception {
    assertContinuationFloodEnds(RawH2.block("x-flood", "f".repeat(1_000)), 100_000);
  }

  @Test
  void emptyContinuationFramesCannotHoldAStreamOpenForever() throws Exception {
    assertContinuationFloodEnds(new byte[0], 200_000);
  }

  /** A header block that never ends: the server must close before {@code max} frames. */
  private static void assertContinuationFloodEnds(byte[] crumb, int max) throws Exception {
    try (RawH2 c = RawH2.connect(h.port())) {
      int sent = 0;
      try {
        c.frame(HEADERS, 0, 1, RawH2.get("/flood"));
        for (; sent < max; sent++) {
          c.frame(CONTINUATION, 0, 1, crumb);
        }
      } catch (IOException closedByServer) {
        // expected long before the end
      }
      RawH2.Frame goAway = c.goAwayThenClose();
      assertThat(goAway).isNotNull();
      assertThat(sent).isLessThan(max);
    }
  }

  @Test
  void streamsBeyondMaxConcurrentStreamsAreRefused() throws Exception {
    try (RawH2 c = RawH2.connect(h.port())) {
      byte[] upload = RawH2.block(":method", "POST", ":scheme", "http", ":path", "/upload", ":authority", "x");
      int stream = 1;
      for (int i = 0; i < Http2Frontend.MAX_CONCURRENT_STREAMS; i++, stream += 2) {
        c.frame(HEADERS, END_HEADERS, stream, upload); // bodies never sent: the streams stay open
      }
      c.frame(HEADERS, END_HEADERS, stream, upload);
      RawH2.Frame reset = c.readUntil(RST_STREAM);
      assertThat(reset).isNotNull();
      assertThat(reset.stream()).isEqualTo(stream);
      assertThat(reset.errorCode()).isEqualTo(Http2Error.REFUSED_STREAM.code());
    }
  }

  @Test
  void aFieldValueWithALineBreakIsRefusedBeforeItReachesABackend() throws Exception {
    int before = backendRequests();
    try (RawH2 c = RawH2.connect(h.port())) {
      byte[] block = RawH2.block(":method", "GET", ":scheme", "http", ":path", "/smuggle", ":authority", "x",
          "x-a", "1\r\nx-injected: yes");
      c.frame(HEADERS, END_HEADERS | END_STREAM, 1, block);
      RawH2.Frame f = c.read();
      while (f != null && f.type() != HEADERS && f.type() != RST_STREAM && f.type() != GOAWAY) {
        f = c.read();
      }
      assertThat(f).isNotNull();
      if (f.type() == HEADERS) {
        assertThat(c.headers(f).status().toString()).isEqualTo("400");
      }
    }
    assertThat(backendRequests()).isEqualTo(before);
  }

  @Test
  void aBodyLongerThanItsContentLengthResetsTheStream() throws Exception {
    int before = backendRequests();
    try (RawH2 c = RawH2.connect(h.port())) {
      byte[] block = RawH2.block(":method", "POST", ":scheme", "http", ":path", "/upload", ":authority", "x",
          "content-length", "4");
      c.frame(HEADERS, END_HEADERS, 1, block);
      c.frame(DATA, END_STREAM, 1, "abcdGET /second HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      RawH2.Frame f = c.readUntil(RST_STREAM);
      assertThat(f).isNotNull();
      assertThat(f.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
    }
    assertThat(backendRequests() - before).isLessThanOrEqualTo(1);
  }
}
