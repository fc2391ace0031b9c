package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.stickypool.testing.LeakDetection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The byte-level request head reader against the path it replaces (StrictRequestDecoder, i.e.
 * Netty's decoder, then RequestHeadCheck) over generated and mutated heads: what the byte reader
 * accepts, the old path accepts and reads the same way (method, target after the absolute-form
 * rewrite, version, host, framing, keep-alive, expectation, every other field in order); what the
 * old path refuses, the byte reader refuses with the same status. Where Netty is lenient (several
 * spaces or other separators in the request line, versions other than 1.0 and 1.1, obs-fold, two
 * Content-Length fields in HTTP/1.0), the byte reader answers 400: those are counted, not failed.
 * A third of the heads are cut short, as a read may leave them: both must then wait (-1 in the
 * counts), or refuse with the same status at the same point (an over-long line before its end).
 */
@ExtendWith(LeakDetection.class)
class RequestHeadDifferentialTest {
  private static final String[] LINES = {"GET / HTTP/1.1", "GET /a?b=c HTTP/1.1", "POST /upload HTTP/1.1",
      "GET / HTTP/1.0", "OPTIONS * HTTP/1.1", "GET * HTTP/1.1", "CONNECT host:443 HTTP/1.1",
      "GET http://other.example/p?q HTTP/1.1", "GET HTTP://other.example HTTP/1.1", "GET https://x.example?q HTTP/1.1",
      "GET http://u@x.example/ HTTP/1.1", "GET ftp://x/ HTTP/1.1", "GET index.html HTTP/1.1",
      "GET http://x.example#f HTTP/1.1", "DELETE /r/1 HTTP/1.1", "get / HTTP/1.1",
      "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade", "GET /ws HTTP/1.1\r\nUpgrade: h2c, WebSocket"};
  private static final String[] BAD =
      {" ", "\t", "\r", "\n", "\u0000", ":", ",", "\u007f", "x", "\u000b", "/", "\u00e9"};
  private static final String[] NAMES = {"Host", "host", "Cookie", "Content-Length", "Transfer-Encoding",
      "Connection", "Upgrade", "Expect", "X-App", "Accept", "Keep-Alive", "TE", "Proxy-Connection"};
  private static final String[] VALUES = {"example.com", "example.com:8080", "[::1]:80", "a b", "a@b", "0", "12",
      "chunked", "gzip, chunked", "chunked, gzip", "chunked,", ", chunked", "chunked, chunked", "close",
      "keep-alive", "Upgrade", "websocket", "100-continue", "100-Continue ", "something", "sp=1; a=b", "", " 7 ",
      "1, 1", "+1", "x"};
  private static final ProxySettings DEFAULTS = ProxySettings.defaults();
  private static final ProxySettings SMALL = new ProxySettings(40, 120, 5, DEFAULTS.headerTimeout(),
      DEFAULTS.keepAliveTimeout(), DEFAULTS.connectTimeout(), DEFAULTS.backendTimeout(),
      DEFAULTS.maxIdleConnectionsPerBackend(), DEFAULTS.pooledConnectionMaxIdle());

  /** How one path read a head: the status it refused it with, or 0 and what it read. */
  private record Reading(int status, String method, String target, int minor, String host, long length,
      boolean chunked, boolean keepAlive, boolean expectsContinue, boolean webSocket, List<String> fields) {
    static Reading refused(int status) {
      return new Reading(status, null, null, 0, null, 0, false, false, false, false, null);
    }
  }

  /** How many heads of the last {@link #compare} both paths read as a WebSocket handshake. */
  private static int webSocketHandshakes;
  private static final ThreadLocal<String> LAST_DETAIL = new ThreadLocal<>();

  private static Reading ours(String text, ProxySettings settings) {
    ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    try {
      RequestHead h = new RequestHead(settings);
      int status = h.parse(buf, 0, buf.writerIndex());
      if (status == RequestHead.NEED_MORE) {
        return Reading.refused(-1);
      }
      if (status != 0) {
        LAST_DETAIL.set(h.detail());
        return Reading.refused(status);
      }
      List<String> fields = new ArrayList<>();
      FieldLines lines = h.lines();
      for (int i = 0; i < lines.count(); i++) {
        if (lines.kind(i) != RequestHead.HOST) {
          fields.add(string(buf, lines.lineStart(i), lines.nameEnd(i)) + ": "
              + string(buf, lines.valueStart(i), lines.valueEnd(i)));
        }
      }
      return new Reading(0, string(buf, h.methodStart(), h.methodEnd()),
          (h.targetNeedsSlash() ? "/" : "") + string(buf, h.targetStart(), h.targetEnd()), h.versionMinor(),
          h.hasHost() ? string(buf, h.hostStart(), h.hostEnd()) : null, h.contentLength(), h.chunked(),
          h.keepAlive(), h.expectsContinue(), h.isWebSocketUpgrade(), fields);
    } finally {
      buf.release();
    }
  }

  private static String string(ByteBuf buf, int from, int to) {
    return buf.toString(from, to - from, StandardCharsets.ISO_8859_1);
  }

  /** The old path: Netty's decoder as StrictRequestDecoder sets it up, then RequestHeadCheck. */
  private static Reading reference(String text, ProxySettings settings) {
    EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(settings));
    try {
      ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
      Object msg = ch.readInbound();
      try {
        if (msg == null) {
          return Reading.refused(-1); // waiting for the rest of the head
        }
        DecoderResult result = ((io.netty.handler.codec.http.HttpObject) msg).decoderResult();
        if (result.isFailure()) {
          return Reading.refused(result.cause() instanceof TooLongHttpLineException ? 414
              : result.cause() instanceof TooLongHttpHeaderException ? 431 : 400);
        }
        HttpRequest req = (HttpRequest) msg;
        RequestHeadCheck.Rejection rejection = new RequestHeadCheck(settings.maxHeaderCount()).check(req);
        if (rejection != null) {
          return Reading.refused(rejection.status().code());
        }
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, String> e : req.headers()) {
          if (!e.getKey().equalsIgnoreCase("host")) {
            fields.add(e.getKey() + ": " + e.getValue());
          }
        }
        return new Reading(0, req.method().name(), req.uri(), req.protocolVersion().minorVersion(),
            req.headers().get(HttpHeaderNames.HOST), HttpUtil.getContentLength(req, -1L),
            HttpUtil.isTransferEncodingChunked(req), HttpUtil.isKeepAlive(req), HttpUtil.is100ContinueExpected(req),
            OldRequestPath.isWebSocketUpgrade(req), fields);
      } finally {
        ReferenceCountUtil.release(msg);
        for (Object m; (m = ch.readInbound()) != null; ) {
          ReferenceCountUtil.release(m);
        }
      }
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  private static String generate(Random random) {
    StringBuilder sb = new StringBuilder(random.nextInt(20) == 0 ? "\r\n" : "")
        .append(LINES[random.nextInt(LINES.length)]).append("\r\n");
    if (random.nextInt(4) != 0) {
      sb.append("Host: ").append(random.nextInt(8) == 0 ? VALUES[random.nextInt(5)] : "example.com").append("\r\n");
    }
    return GeneratedHeads.finish(sb, random, NAMES, VALUES, BAD);
  }


  /** Compares both paths over 20,000 heads; returns how often each refusal status was agreed on. */
  private static Map<Integer, Integer> compare(long seed, ProxySettings settings, int minAccepted) {
    Random random = new Random(seed);
    List<String> disagreements = new ArrayList<>();
    List<String> stricter = new ArrayList<>();
    Map<Integer, Integer> agreedRefusals = new java.util.TreeMap<>();
    webSocketHandshakes = 0;
    int accepted = 0;
    for (int i = 0; i < 20000; i++) {
      String head = generate(random);
      if (random.nextInt(3) == 0) {
        head = head.substring(0, random.nextInt(head.length())); // the head so far, read by read
      }
      LAST_DETAIL.set("");
      Reading o = ours(head, settings);
      Reading r = reference(head, settings);
      String shown = head.replace("\r", "\\r").replace("\n", "\\n");
      boolean markedStricter = o.status() == 400 && LAST_DETAIL.get().startsWith(RequestHead.STRICTER);
      if (o.status() == 0 && r.status() == 0) {
        accepted++;
        webSocketHandshakes += o.webSocket() ? 1 : 0;
        if (!o.equals(r)) {
          disagreements.add("read differently " + o + " vs " + r + ": " + shown);
        }
      } else if (o.status() == r.status()) {
        agreedRefusals.merge(r.status(), 1, Integer::sum);
      } else if (markedStricter) {
        stricter.add("(" + LAST_DETAIL.get() + ") vs " + r.status() + ": " + shown);
      } else {
        disagreements.add("status " + o.status() + " (" + LAST_DETAIL.get() + ") vs " + r.status() + ": " + shown);
      }
    }
    stricter.stream().limit(40).forEach(s -> System.out.println("stricter " + s));
    System.out.println("accepted by both " + accepted + ", refused by the byte reader only " + stricter.size()
        + ", refused by both with the same status " + agreedRefusals);
    assertThat(disagreements).isEmpty();
    assertThat(accepted).as("the generator must make many acceptable heads").isGreaterThan(minAccepted);
    assertThat(stricter).as("refused only by the byte reader, for being lenient input (under 2%)")
        .hasSizeLessThan(400);
    return agreedRefusals;
  }

  @Test
  void refusesWhatTheStrictDecoderRefusesAndReadsTheRestTheSame() {
    assertThat(compare(1515, DEFAULTS, 1500)).containsKeys(-1, 400, 405, 417, 501);
    assertThat(webSocketHandshakes).as("WebSocket handshakes read as such by both").isGreaterThan(50);
  }

  @Test
  void appliesTheLineSizeAndCountLimitsAsTheStrictDecoderDid() {
    assertThat(compare(1516, SMALL, 500)).containsKeys(-1, 400, 414, 431);
  }
}
