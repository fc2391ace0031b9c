package io.stickypool.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.stickypool.core.backend.Backend;
import io.stickypool.proxy.routing.ProxyRoute;
import io.stickypool.proxy.routing.RequestDecoration;
import io.stickypool.proxy.routing.ResponseDecoration;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs the head parsers and the request shaper over a spread of real clients' and servers' heads
 * once at start, before the listener opens.
 *
 * <p>Why: the JIT compiles a branch that its profile has never seen taken as a trap. A proxy
 * whose first clients all send the same short head (a load generator, one health checker) gets
 * its request path compiled for that shape alone; the first browser, with its longer header
 * names, then hits those traps, the whole inlined path falls back to slower code and is compiled
 * again, half a second of compiler time on the proxy's core while requests wait behind it (the
 * harness's fixed-rate pass, repeated alone on a rig, showed it as p99 1.5-2.5 ms against
 * HAProxy's 0.9-1.3, and 1.1-1.4 with trap-free compilation: docs/proxy-tuning.md). Seeding the
 * profiles with these heads makes the first compilation cover them. It parses only: no
 * connection, session, route or metric is touched, and it takes about a tenth of a second.
 *
 * <p>The buffers come from the same allocator as the sockets' reads, so the JIT sees the same
 * buffer class at every call site as it will under traffic.
 */
public final class HeadProfileSeed {
  /** Enough passes for the parsers to be compiled with a profile and to count every branch here. */
  static final int ROUNDS = 1_000;

  private static final String COOKIE = "sticky";

  private static final List<String> REQUESTS = List.of(
      // a browser: long header names, several cookies, ours among them
      "GET /account?tab=2 HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
          + "Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-GB,en;q=0.5\r\n"
          + "Accept-Encoding: gzip, deflate, br\r\nConnection: keep-alive\r\nUpgrade-Insecure-Requests: 1\r\n"
          + "Sec-Fetch-Dest: document\r\nCookie: theme=dark; " + COOKIE + "=v1.abc.def; lang=en\r\n\r\n",
      // curl, hey, wrk: short heads, with and without our cookie
      "GET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: hey/0.0.1\r\nCookie: " + COOKIE + "=x\r\n"
          + "Accept-Encoding: gzip\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + COOKIE + "=v1.x.y\r\n\r\n",
      "HEAD /health HTTP/1.0\r\n\r\n",
      // bodies, Expect, chunked, trailers, close
      "POST /api/items HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
          + "Cookie: a=1\r\nCookie: " + COOKIE + "=v1.q.r\r\n\r\n",
      "PUT /upload HTTP/1.1\r\nHost: api\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\nTE: trailers\r\n\r\n",
      "DELETE /x/1 HTTP/1.1\r\nHost: api\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
      // behind another proxy: forwarding fields, hop-by-hop fields named by Connection
      "GET /p HTTP/1.1\r\nHost: app\r\nX-Forwarded-For: 203.0.113.7, 10.0.0.1\r\nX-Forwarded-Proto: https\r\n"
          + "X-Forwarded-Host: app.example\r\nForwarded: for=203.0.113.7;proto=https\r\n"
          + "Connection: keep-alive, X-Trace\r\nX-Trace: 1\r\nKeep-Alive: timeout=5\r\n"
          + "Proxy-Connection: keep-alive\r\nProxy-Authorization: Basic eA==\r\n\r\n",
      // WebSocket and Socket.IO handshakes, absolute form, OPTIONS *
      "GET /chat HTTP/1.1\r\nHost: app\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Origin: http://app\r\nCookie: " + COOKIE + "=v1.w.s\r\n\r\n",
      "GET /socket.io/?EIO=4&transport=polling&t=N8hyd6w HTTP/1.1\r\nHost: app\r\nAccept: */*\r\n\r\n",
      "GET http://app.example/x HTTP/1.1\r\nHost: app.example\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nHost: app\r\n\r\n",
      // refused: no Host, a bad field name, two lengths
      "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");

  private static final List<String> RESPONSES = List.of(
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nX-Backend: b1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
          + "Cache-Control: public, max-age=60\r\nVary: Accept-Encoding\r\nSet-Cookie: app=1; Path=/\r\n\r\n",
      "HTTP/1.1 304 Not Modified\r\nETag: \"abc\"\r\nCache-Control: private\r\n\r\n",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
      "HTTP/1.0 500 Internal Server Error\r\nConnection: close\r\nKeep-Alive: timeout=5\r\n\r\n",
      "HTTP/1.1 204 No Content\r\nTrailer: X-Checksum\r\nProxy-Authenticate: Basic\r\n\r\n");

  private HeadProfileSeed() {}

  /** Seeds the profiles with the heads above, through the allocator the sockets read into. */
  public static void run(ProxySettings settings) {
    run(settings, allocator(), ROUNDS);
  }

  /**
   * The sockets' allocator, unless the leak detector is on: then every buffer it hands out is
   * tracked (at PARANOID with a stack trace each), which made the seed's 13,000 shaped heads take
   * 15-19 s instead of 0.1. With the detector on, the sockets' buffers are its wrappers anyway, so
   * there is no buffer class to match; an untracked allocator seeds the parsers just as well.
   */
  private static ByteBufAllocator allocator() {
    return ResourceLeakDetector.isEnabled() ? new UnpooledByteBufAllocator(true, true) : ByteBufAllocator.DEFAULT;
  }

  /** Parses and shapes every head {@code rounds} times; returns how many were accepted, for tests. */
  static int run(ProxySettings settings, ByteBufAllocator alloc, int rounds) {
    RequestHead request = new RequestHead(settings);
    ResponseHead response = new ResponseHead();
    RequestShaper shaper = new RequestShaper();
    ProxyHeaders.ClientAddress client =
        new ProxyHeaders.ClientAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000));
    ByteBuf[] requests = buffers(alloc, REQUESTS);
    ByteBuf[] responses = buffers(alloc, RESPONSES);
    int accepted = 0;
    try {
      for (int round = 0; round < rounds; round++) {
        for (ByteBuf b : requests) {
          if (request.parse(b, b.readerIndex(), b.writerIndex()) == 0) {
            accepted++;
            request.cookie(COOKIE);
            shaper.shape(alloc, request, SeedRoute.INSTANCE, client, request.isWebSocketUpgrade()).release();
          }
        }
        for (ByteBuf b : responses) {
          int end = ResponseHead.findEnd(b, b.readerIndex(), b.writerIndex());
          if (end > 0 && response.parse(b, b.readerIndex(), end)) {
            accepted++;
          }
        }
      }
    } finally {
      release(requests);
      release(responses);
    }
    return accepted;
  }

  private static ByteBuf[] buffers(ByteBufAllocator alloc, List<String> heads) {
    ByteBuf[] out = new ByteBuf[heads.size()];
    for (int i = 0; i < out.length; i++) {
      byte[] bytes = heads.get(i).getBytes(StandardCharsets.ISO_8859_1);
      out[i] = alloc.ioBuffer(bytes.length).writeBytes(bytes);
    }
    return out;
  }

  private static void release(ByteBuf[] buffers) {
    for (ByteBuf b : buffers) {
      b.release();
    }
  }

  /** A route that asks for what real routes ask for: our cookie cut out, one field set. */
  private enum SeedRoute implements ProxyRoute {
    INSTANCE;

    @Override
    public Backend backend() {
      return null;
    }

    @Override
    public InetSocketAddress address() {
      return null;
    }

    @Override
    public void decorateResponse(ResponseDecoration response) {
      // the seed shapes requests only
    }

    @Override
    public boolean trustsProxy(InetAddress client) {
      return true;
    }

    @Override
    public void decorateRequest(RequestDecoration request) {
      request.removeCookie(COOKIE);
      request.setHeader("StickyPool-Previous-Backend", null);
    }
  }
}
