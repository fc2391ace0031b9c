package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stickypool.testing.HttpWire;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.ScriptedBackend;
import io.stickypool.testing.WireClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A property over random traffic: several clients at once, each pipelining a random mix of
 * requests (no body, Content-Length bodies, chunked bodies with extensions and trailers,
 * 100-continue) written in random pieces, through one event loop to two backends. Whatever the
 * mix, each backend reads exactly the requests the clients sent (method, target, body and
 * trailers, byte for byte, each once), and each client gets its own answers in its own order.
 * A failure names its seed; rerun that seed alone to replay it.
 */
@ExtendWith(LeakDetection.class)
class PipelinedTrafficPropertyIT {
  private static final Duration READ = Duration.ofSeconds(10);
  private static final String[] NO_BODY = {"GET", "DELETE", "OPTIONS"};
  private static final String[] WITH_BODY = {"POST", "PUT", "PATCH"};
  private static ScriptedBackend b0;
  private static ScriptedBackend b1;
  private static ProxyUnderTest proxy;
  private static ExecutorService clients;

  @BeforeAll
  static void start() throws Exception {
    b0 = ScriptedBackend.start();
    b1 = ScriptedBackend.start();
    proxy = ProxyUnderTest.start(ProxyUnderTest.settings(Duration.ofSeconds(10)), b0, b1);
    clients = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void stop() throws Exception {
    clients.shutdownNow();
    clients.awaitTermination(5, TimeUnit.SECONDS);
    proxy.close();
    b0.close();
    b1.close();
  }

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 40);
  }

  /** One request as the client meant it, and the bytes it writes for it. */
  record Sent(String id, String method, String target, byte[] body, String trailer, byte[] wire) {}

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void backendsSeeExactlyWhatClientsSent(long seed) throws Exception {
    Random random = new Random(seed);
    int clientCount = 1 + random.nextInt(4);
    List<List<Sent>> scripts = new ArrayList<>();
    for (int c = 0; c < clientCount; c++) {
      List<Sent> script = new ArrayList<>();
      int requests = 1 + random.nextInt(8);
      for (int n = 0; n < requests; n++) {
        script.add(randomRequest(random, "s" + seed + "-c" + c + "-" + n));
      }
      scripts.add(script);
    }
    List<Future<List<HttpWire.Message>>> answers = new ArrayList<>();
    for (List<Sent> script : scripts) {
      long clientSeed = random.nextLong();
      answers.add(clients.submit(() -> run(script, new Random(clientSeed))));
    }
    for (int c = 0; c < clientCount; c++) {
      List<Sent> script = scripts.get(c);
      List<HttpWire.Message> got = answers.get(c).get(30, TimeUnit.SECONDS);
      assertThat(got).as("answers of client %d", c).hasSize(script.size());
      for (int n = 0; n < script.size(); n++) {
        Sent s = script.get(n);
        assertThat(got.get(n).bodyText()).as("answer %d of client %d", n, c)
            .isEqualTo(ScriptedBackend.expectedBody(s.id(), s.method(), s.target(), s.body()));
      }
    }
    assertBackendsSawExactly(scripts.stream().flatMap(List::stream).toList(), "s" + seed + "-");
  }

  private static List<HttpWire.Message> run(List<Sent> script, Random random) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Sent s : script) {
      all.write(s.wire());
    }
    byte[] bytes = all.toByteArray();
    int[] cuts = random.ints(random.nextInt(7), 1, bytes.length).sorted().distinct().toArray();
    try (WireClient c = new WireClient(proxy.port(), READ)) {
      c.sendInPieces(bytes, cuts, random.nextInt(2_000));
      return c.responses(script.size());
    }
  }

  private static void assertBackendsSawExactly(List<Sent> sent, String prefix) {
    await().atMost(READ).until(() -> seen(prefix).size() >= sent.size());
    List<ScriptedBackend.Received> seen = seen(prefix);
    Map<String, Long> counts = seen.stream().collect(Collectors.groupingBy(ScriptedBackend.Received::id, Collectors.counting()));
    assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(sent.stream().map(Sent::id).toList());
    assertThat(counts.values()).containsOnly(1L);
    Map<String, HttpWire.Message> byId =
        seen.stream().collect(Collectors.toMap(ScriptedBackend.Received::id, ScriptedBackend.Received::message));
    for (Sent s : sent) {
      HttpWire.Message m = byId.get(s.id());
      assertThat(m.method()).as(s.id()).isEqualTo(s.method());
      assertThat(m.target()).as(s.id()).isEqualTo(s.target());
      assertThat(m.body()).as(s.id()).isEqualTo(s.body());
      assertThat(m.trailer("X-Trailer")).as(s.id()).isEqualTo(s.trailer());
    }
  }

  private static List<ScriptedBackend.Received> seen(String prefix) {
    List<ScriptedBackend.Received> all = new ArrayList<>(b0.received());
    all.addAll(b1.received());
    all.removeIf(r -> r.id() == null || !r.id().startsWith(prefix));
    return all;
  }

  private static Sent randomRequest(Random random, String id) {
    boolean hasBody = random.nextInt(3) > 0;
    String method = hasBody ? pick(random, WITH_BODY) : pick(random, NO_BODY);
    String target = "/" + id + "?r=" + random.nextInt(1000);
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: app.example\r\n");
    head.append("X-Req-Id: ").append(id).append("\r\n");
    head.append("X-Route: ").append(random.nextInt(2)).append("\r\n");
    if (random.nextBoolean()) {
      head.append("X-Respond: chunked\r\n");
    }
    for (int i = random.nextInt(5); i > 0; i--) {
      head.append("X-Extra-").append(i).append(": ").append(random.nextInt()).append("\r\n");
    }
    byte[] body = new byte[0];
    String trailer = null;
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    if (hasBody) {
      body = randomBody(random);
      if (random.nextInt(4) == 0) {
        head.append("Expect: 100-continue\r\n");
      }
      if (random.nextBoolean()) {
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        write(wire, head.toString());
        wire.writeBytes(body);
      } else {
        head.append("Transfer-Encoding: chunked\r\n\r\n");
        write(wire, head.toString());
        trailer = random.nextBoolean() ? "t" + random.nextInt(100) : null;
        writeChunked(wire, body, trailer, random);
      }
    } else {
      write(wire, head.append("\r\n").toString());
    }
    return new Sent(id, method, target, body, trailer, wire.toByteArray());
  }

  private static byte[] randomBody(Random random) {
    int length = random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 64 : 40_000);
    byte[] body = new byte[length];
    random.nextBytes(body);
    return body;
  }

  private static void writeChunked(ByteArrayOutputStream wire, byte[] body, String trailer, Random random) {
    int at = 0;
    while (at < body.length) {
      int size = Math.min(body.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 20_000));
      String extension = random.nextInt(5) == 0 ? ";ext=" + random.nextInt(9) : "";
      write(wire, Integer.toHexString(size) + extension + "\r\n");
      wire.write(body, at, size);
      write(wire, "\r\n");
      at += size;
    }
    write(wire, "0\r\n" + (trailer == null ? "" : "X-Trailer: " + trailer + "\r\n") + "\r\n");
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String pick(Random random, String[] options) {
    return options[random.nextInt(options.length)];
  }
}
