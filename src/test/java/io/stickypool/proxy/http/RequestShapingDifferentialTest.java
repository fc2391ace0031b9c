package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.stickypool.testing.LeakDetection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What reaches a backend through {@link RequestReader} and {@link RequestShaper} against what the
 * old path sent (Netty's decoder, RequestHeadCheck, the header rewrites of {@link OldRequestPath},
 * Netty's encoder), over generated requests with bodies (none, Content-Length, chunked with
 * extensions and trailers, some chunk framing broken) followed by a pipelined GET. Both outputs are
 * read back by Netty's decoder and compared as a backend sees them: method, target, version, the
 * multiset of fields (names ignoring case, values trimmed) and the body, for every request. The two
 * rules changed on purpose are checked on their own: {@code TE: trailers} now goes on, and every
 * {@code Proxy-*} field stops at the proxy.
 */
@ExtendWith(LeakDetection.class)
class RequestShapingDifferentialTest {
  private static final String[] LINES = {"GET / HTTP/1.1", "GET /a?b=c HTTP/1.1", "POST /upload HTTP/1.1",
      "GET / HTTP/1.0", "PUT /r HTTP/1.0", "OPTIONS * HTTP/1.1", "GET http://other.example/p?q HTTP/1.1",
      "GET HTTPS://x.example?q HTTP/1.1", "GET http://x.example#f HTTP/1.1", "DELETE /r/1 HTTP/1.1",
      "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade", "GET /ws HTTP/1.1\r\nUpgrade: h2c"};
  private static final String[] NAMES = {"Cookie", "cookie", "Connection", "X-Forwarded-For", "X-Forwarded-Proto",
      "X-Forwarded-Host", "Forwarded", "TE", "Trailer", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization",
      "Expect", "Upgrade", "X-App", "Accept", "StickyPool-Previous-Backend", "x-forwarded-for"};
  private static final String[] VALUES = {"sp=abc", "sp=abc; theme=dark", "a=1; sp=2; b=3", "a=1;sp=2;b=3",
      "sp=1; a=1; sp=2", "spx=1; a=sp=3", "\"q\"", "close", "keep-alive", "x-app, cookie", "X-Forwarded-For",
      "te, trailers", "trailers", "gzip", "Upgrade", "websocket", "100-continue", "10.0.0.1", "10.0.0.1, 10.0.0.2",
      "https", "for=1.2.3.4", "", "a  b", "Forwarded, x-forwarded-proto", "content-length, host, accept", "web-9"};
  private static final String[] HOSTS = {"example.com", "example.com:8080", "[::1]:80", "a-b.example"};
  private static final String[] CHUNK_SIZES = {"5", "05", "5;ext=1", "5 ;x", "0x5", "-5", " 5", "5 ", "G",
      "FFFFFFFFFFF", "5\t"};
  private static final ProxySettings SETTINGS = ProxySettings.defaults();
  private static final String PIPELINED = "GET /next HTTP/1.1\r\nHost: next.example\r\nCookie: sp=z\r\n\r\n";

  /** What a backend reads: one line per request (method, target, version, sorted fields, body). */
  private record Seen(List<String> requests, boolean failed) {}

  @Test
  void backendsReadWhatTheOldEncoderSent() {
    Random random = new Random(1517);
    List<String> disagreements = new ArrayList<>();
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < 4000; i++) {
      String request = generate(random);
      CookieRoute route = new CookieRoute(random.nextBoolean(), random.nextInt(4) == 0 ? "web-1" : null);
      InetSocketAddress client = new InetSocketAddress(random.nextBoolean() ? "127.0.0.1" : "::1", 40000);
      Seen old = oldPath(request, route, client);
      Seen ours = newPath(request, route, client);
      String shown = request.replace("\r", "\\r").replace("\n", "\\n");
      if (old == null || ours == null) {
        counts.merge(old == null && ours == null ? "refused head" : "DISAGREE", 1, Integer::sum);
        if (old != ours) {
          disagreements.add("head accepted by one path only: " + shown);
        }
        continue;
      }
      if (old.failed() != ours.failed()) {
        disagreements.add("body refused by one path only: " + old + " vs " + ours + " for " + shown);
      } else if (!old.failed() && !normalized(old.requests(), false).equals(normalized(ours.requests(), true))) {
        disagreements.add(old + "\n   vs " + ours + "\n   for " + shown);
      }
      counts.merge(old.failed() ? "bad body, both cut" : "compared", 1, Integer::sum);
      counts.merge("te: trailers kept", ours.requests().stream().anyMatch(r -> r.contains("te: trailers")) ? 1 : 0,
          Integer::sum);
    }
    System.out.println("request shaping differential: " + counts);
    disagreements.stream().limit(10).forEach(d -> System.out.println("DISAGREE " + d));
    assertThat(disagreements).isEmpty();
    assertThat(counts.get("compared")).isGreaterThan(2000);
    assertThat(counts.get("bad body, both cut")).isGreaterThan(40);
    assertThat(counts.get("te: trailers kept")).isGreaterThan(20);
  }

  /** The requests with the two deliberate rule changes taken out: TE: trailers and Proxy-*. */
  private static List<String> normalized(List<String> requests, boolean ours) {
    List<String> out = new ArrayList<>();
    for (String r : requests) {
      String s = r.replaceAll("\\|proxy-[a-z-]+: [^|]*", "");
      out.add(ours ? s.replace("|te: trailers", "") : s);
    }
    return out;
  }

  private static String generate(Random random) {
    StringBuilder sb = new StringBuilder(LINES[random.nextInt(LINES.length)]).append("\r\n");
    if (random.nextInt(5) != 0) {
      sb.append("Host: ").append(HOSTS[random.nextInt(HOSTS.length)]).append("\r\n");
    }
    for (int f = random.nextInt(7); f > 0; f--) {
      sb.append(NAMES[random.nextInt(NAMES.length)]).append(": ").append(VALUES[random.nextInt(VALUES.length)])
          .append("\r\n");
    }
    switch (random.nextInt(3)) {
      case 0 -> sb.append("\r\n");
      case 1 -> {
        int n = random.nextInt(40);
        sb.append("Content-Length: ").append(n).append("\r\n\r\n").append("b".repeat(n));
      }
      default -> chunked(sb, random);
    }
    return sb.append(PIPELINED).toString();
  }

  private static void chunked(StringBuilder sb, Random random) {
    sb.append("Transfer-Encoding: chunked\r\n\r\n");
    for (int c = random.nextInt(3); c > 0; c--) {
      boolean odd = random.nextInt(12) == 0;
      sb.append(odd ? CHUNK_SIZES[random.nextInt(CHUNK_SIZES.length)] : random.nextBoolean() ? "5" : "5;e=\"v\"")
          .append("\r\n").append("hello").append(random.nextInt(30) == 0 ? "\n" : "\r\n");
    }
    sb.append(random.nextInt(20) == 0 ? "00" : "0").append("\r\n");
    if (random.nextInt(4) == 0) {
      sb.append("X-Trailer: t\r\n");
    }
    sb.append("\r\n");
  }

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  /** The old path; null when the first head was refused. */
  private static Seen oldPath(String request, CookieRoute route, InetSocketAddress client) {
    EmbeddedChannel decoder = new EmbeddedChannel(new StrictRequestDecoder(SETTINGS));
    EmbeddedChannel encoder = new EmbeddedChannel(new HttpRequestEncoder());
    OldRequestPath.ClientAddress address = new OldRequestPath.ClientAddress(client);
    RequestHeadCheck check = new RequestHeadCheck(SETTINGS.maxHeaderCount());
    boolean failed = false;
    int heads = 0;
    try {
      decoder.writeInbound(bytes(request));
      for (Object m; (m = decoder.readInbound()) != null; ) {
        HttpObject msg = (HttpObject) m;
        if (msg.decoderResult().isFailure() || failed) {
          failed |= heads > 0;
          ReferenceCountUtil.release(msg);
          if (heads == 0) {
            return null;
          }
          continue;
        }
        if (msg instanceof HttpRequest req) {
          if (check.check(req) != null) {
            ReferenceCountUtil.release(msg);
            if (heads == 0) {
              return null;
            }
            failed = true;
            continue;
          }
          heads++;
          boolean upgrade = OldRequestPath.isWebSocketUpgrade(req);
          OldRequestPath.stripHopByHop(req, upgrade);
          req.headers().remove("Expect");
          OldRequestPath.addForwarded(req, address, route.trusted());
          req.setProtocolVersion(HttpVersion.HTTP_1_1);
          OldRequestPath.stripCookie(req.headers(), "sp");
          if (route.previous() != null) {
            req.headers().set("StickyPool-Previous-Backend", route.previous());
          } else {
            req.headers().remove("StickyPool-Previous-Backend");
          }
        }
        encoder.writeOutbound(msg);
      }
      return new Seen(readBack(encoder), failed);
    } finally {
      decoder.finishAndReleaseAll();
      encoder.finishAndReleaseAll();
    }
  }

  /** The new path; null when the first head was refused. */
  private static Seen newPath(String request, CookieRoute route, InetSocketAddress client) {
    EmbeddedChannel reader = new EmbeddedChannel(new RequestReader(SETTINGS));
    ProxyHeaders.ClientAddress address = new ProxyHeaders.ClientAddress(client);
    RequestShaper shaper = new RequestShaper();
    ByteBuf wire = Unpooled.buffer();
    boolean failed = false;
    int heads = 0;
    try {
      reader.writeInbound(bytes(request));
      for (Object m; (m = reader.readInbound()) != null; ) {
        if (m instanceof RequestHead head) {
          heads++;
          ByteBuf shaped = shaper.shape(ByteBufAllocator.DEFAULT, head, route, address, head.isWebSocketUpgrade());
          wire.writeBytes(shaped);
          shaped.release();
          head.release();
        } else if (m instanceof RequestReader.Refusal) {
          if (heads == 0) {
            return null;
          }
          failed = true;
        } else {
          HttpContent c = (HttpContent) m;
          failed |= c.decoderResult().isFailure();
          wire.writeBytes(c.content());
          c.release();
        }
      }
      EmbeddedChannel backend = new EmbeddedChannel();
      backend.writeOutbound(wire.retain());
      return new Seen(readBack(backend), failed);
    } finally {
      wire.release();
      reader.finishAndReleaseAll();
    }
  }

  /** Reads what a channel wrote as a backend would: Netty's decoder, whole messages. */
  private static List<String> readBack(EmbeddedChannel sender) {
    EmbeddedChannel backend = new EmbeddedChannel(new HttpRequestDecoder(), new HttpObjectAggregator(1 << 20));
    try {
      for (Object out; (out = sender.readOutbound()) != null; ) {
        backend.writeInbound(out);
      }
      List<String> seen = new ArrayList<>();
      for (Object m; (m = backend.readInbound()) != null; ) {
        FullHttpRequest r = (FullHttpRequest) m;
        List<String> fields = new ArrayList<>();
        r.headers().forEach(e -> fields.add(e.getKey().toLowerCase(Locale.ROOT) + ": " + e.getValue().trim()));
        fields.sort(null);
        seen.add(r.decoderResult().isFailure() ? "undecodable"
            : r.method() + " " + r.uri() + " " + r.protocolVersion() + "|" + String.join("|", fields)
                + "|body=" + r.content().toString(StandardCharsets.ISO_8859_1) + "|trailers=" + r.trailingHeaders());
        r.release();
      }
      return seen;
    } finally {
      sender.finishAndReleaseAll();
      try {
        backend.finishAndReleaseAll();
      } catch (io.netty.handler.codec.PrematureChannelClosureException e) {
        // a request cut short (its body was refused): only the refusal is compared then
      }
    }
  }
}
