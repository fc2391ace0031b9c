package io.stickypool.operator;

import static io.stickypool.operator.sessions.CannedReport.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.core.session.RepinReason;
import io.stickypool.operator.sessions.CannedReport;
import io.stickypool.operator.sessions.ReportServer;
import io.stickypool.testing.Kubectl;
import io.stickypool.testing.browser.HeadlessChromium;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's live view (admin port: {@code /} and {@code /api/pools}) with the real operator on
 * a real API server. Pool "web", created with kubectl, has backends web-0..web-2 behind two proxy
 * pods whose session reports come from loopback servers; web-1 drains. The page is read in a real
 * headless chromium.
 *
 * <p>Screenshots go to {@code target/live-view/}; to refresh the ones in the docs run this class
 * with {@code STICKYPOOL_SCREENSHOTS=docs/images}.
 */
class LiveViewApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Long enough to see the countdown in a screenshot, short enough for a test. */
  private static final String DRAIN_TIMEOUT = "20s";

  private final KubernetesClient client = K8S.client();
  private final HttpClient http = HttpClient.newHttpClient();
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private final ReportServer proxyA = new ReportServer();
  private final ReportServer proxyB = new ReportServer();
  private final AtomicInteger asked = new AtomicInteger();
  private final Instant seen = Instant.now();
  /** What the users do to web-1: browse (before), leave partly (during the drain). */
  private volatile boolean someLeft;
  private volatile boolean drained;
  private TestCluster cluster;
  private URI base;
  @TempDir
  Path scratch;

  @BeforeEach
  void start() {
    cluster = TestCluster.inNewNamespace(client, "shop"); // a short name for the screenshots
    operator.start(client, cluster.operatorSettings()
        .admin(new InetSocketAddress("127.0.0.1", 0))
        .sessionRefresh(Duration.ofMillis(800))
        .drainRefresh(Duration.ofMillis(250))
        .adminTargets(TestCluster.reportsFrom(Map.of("web-proxy-a", proxyA, "web-proxy-b", proxyB)))
        .build());
    base = URI.create("http://127.0.0.1:" + operator.adminAddress().orElseThrow().getPort() + "/");
    proxyA.serve(() -> {
      asked.incrementAndGet();
      return reportA();
    });
    proxyB.serve(this::reportB);
  }

  @AfterEach
  void stop() {
    operator.stop();
    List.of(proxyA, proxyB).forEach(ReportServer::close);
    cluster.deleteNamespace();
  }

  @Test
  void servesEveryPoolFromMemoryWithNoKeyMaterialAndNoApiRequest() throws Exception {
    startPool();
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode web = onlyPool(view());
      assertThat(backends(web)).containsExactly("web-0=Active:13", "web-1=Active:16", "web-2=Active:8");
      assertThat(web.get("sessions").asLong()).isEqualTo(37);
      assertThat(web.get("sessionsReportedBy").asText()).isEqualTo("2/2");
      assertThat(web.get("affinity").asText()).isEqualTo("Cookie");
      assertThat(web.get("drainTimeoutSeconds").asLong()).isEqualTo(20);
      assertThat(reasons(view())).contains("BackendAdded", "RoutesUpdated");
    });
    assertThat(view().get("replica").asText()).isEqualTo("single");

    String body = get("api/pools").body();
    List<String> secrets = keyMaterial();
    assertThat(secrets).as("the pool's signing keys, in every spelling").isNotEmpty();
    secrets.forEach(s -> assertThat(body).doesNotContain(s));
    assertThat(body).doesNotContainIgnoringCase("signingKeys").doesNotContain("web-keys");

    // Viewers poll; the operator answers from its caches: the API server sees nothing of it.
    AuditTrail audit = new AuditTrail(K8S.controlPlane().auditLog(), cluster.namespace());
    audit.markAcrossRounds(asked::get, WAIT);
    for (int i = 0; i < 20; i++) {
      assertThat(get("api/pools").statusCode()).isEqualTo(200);
      assertThat(get("").statusCode()).isEqualTo(200);
    }
    int after = asked.get();
    await().atMost(WAIT).until(() -> asked.get() >= after + 3); // the audit log has caught up
    assertThat(audit.since()).filteredOn(AuditTrail.Request::fromThisJvm)
        .filteredOn(r -> !"watch".equals(r.verb())).as("requests while the view was polled").isEmpty();
  }

  @Test
  void servesThePageItsScriptAndStyleReadOnly() throws Exception {
    HttpResponse<String> page = get("");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
        csp -> assertThat(csp).startsWith("default-src 'self'"));
    assertThat(page.body()).contains("<script src=\"view.js\"", "<link rel=\"stylesheet\" href=\"view.css\"")
        .doesNotContain("http://", "https://");
    assertThat(get("view.js").headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(get("view.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
    HttpResponse<String> json = get("api/pools");
    assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(JSON.readTree(json.body()).get("pools")).isEmpty();
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(base.resolve("api/pools"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void pageShowsThePoolAndFollowsADrainFromStartToEnd() throws Exception {
    Assumptions.assumeTrue(HeadlessChromium.missing().isEmpty(),
        () -> "skipped, no browser: " + HeadlessChromium.missing().orElseThrow());
    startPool();
    Path shots = Path.of(System.getenv().getOrDefault("STICKYPOOL_SCREENSHOTS", "target/live-view"));
    try (HeadlessChromium page = HeadlessChromium.start(1280, 900)) {
      page.open(base.toString());
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(page.text("#status")).isEqualTo("live");
        assertThat(page.text("section.pool h3")).isEqualTo(cluster.namespace() + " / web");
        assertThat(rows(page)).containsExactly("web-0=Active:13", "web-1=Active:16", "web-2=Active:8");
      });
      assertThat(page.count("#events li[data-reason=BackendAdded]")).isPositive();
      page.screenshot(shots.resolve("live-view-before.png"));

      terminateWeb1();
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(rows(page)).contains("web-1=Draining:16");
        assertThat(page.count("#events li[data-reason=BackendDraining]")).isPositive();
      });
      double first = secondsLeft(page);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(secondsLeft(page)).as("the deadline counts down").isLessThan(first - 0.5));
      someLeft = true;
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(rows(page)).containsExactly("web-0=Active:16", "web-1=Draining:9", "web-2=Active:11"));
      page.screenshot(shots.resolve("live-view-during.png"));

      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(rows(page)).contains("web-1=Drained:0");
        assertThat(page.text("#moves li[data-reason=SessionsRebalanced]"))
            .contains("9 sessions moved from web-1 to web-0 (+5), web-2 (+4)");
      });
      removeWeb1();
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(rows(page)).doesNotContain("web-1=Drained:0").contains("web-0=Active:21", "web-2=Active:15");
        assertThat(page.count("#events li[data-reason=BackendRemoved]")).isPositive();
      });
      page.screenshot(shots.resolve("live-view-after.png"));
      assertThat(page.consoleErrors()).as("errors in the browser console").isEmpty();
    }
  }

  // --- the story: sessions of web-0..web-2 as two proxies report them --------------------------

  /** Before: web-0 13, web-1 16, web-2 8. During: 7 of web-1's users left, new ones came. After: re-pinned. */
  private String reportA() {
    if (web1Drained()) {
      return CannedReport.of("web-proxy-a").backend("web-0", seen, concat(keys(0, 13), keys(100, 105)))
          .backend("web-1", seen).backend("web-2", seen, concat(keys(200, 211), keys(105, 109)))
          .moved("web-0", "web-1", RepinReason.DRAINED, keys(100, 105))
          .moved("web-2", "web-1", RepinReason.DRAINED, keys(105, 109)).json();
    }
    return someLeft
        ? CannedReport.of("web-proxy-a").backend("web-0", seen, keys(0, 13)).backend("web-1", seen, keys(100, 105))
            .backend("web-2", seen, keys(200, 211)).json()
        : CannedReport.of("web-proxy-a").backend("web-0", seen, keys(0, 10)).backend("web-1", seen, keys(100, 112))
            .backend("web-2", seen, keys(200, 208)).json();
  }

  private String reportB() {
    if (web1Drained()) {
      return CannedReport.of("web-proxy-b").backend("web-0", seen, concat(keys(5, 16), keys(100, 103)))
          .backend("web-2", seen, keys(105, 109)).json();
    }
    return someLeft
        ? CannedReport.of("web-proxy-b").backend("web-0", seen, keys(5, 16)).backend("web-1", seen, keys(103, 109)).json()
        : CannedReport.of("web-proxy-b").backend("web-0", seen, keys(5, 13)).backend("web-1", seen, keys(108, 116)).json();
  }

  private static long[] concat(long[] a, long[] b) {
    return java.util.stream.LongStream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray();
  }

  /**
   * Once the operator published web-1 Drained (the proxies then re-pin its sessions); asked of the
   * routes ConfigMap only during the drain, so the other tests' API server sees no request of ours.
   */
  private boolean web1Drained() {
    if (!drained && someLeft) {
      drained = cluster.backendStates("web").contains("web-1=Drained");
    }
    return drained;
  }

  /** Two ready proxy pods and the Service with its slice, then the pool, applied with kubectl as a user does. */
  private void startPool() throws Exception {
    Path file = scratch.resolve("pool.yaml");
    Files.writeString(file, client.getKubernetesSerialization().asYaml(
        cluster.webPoolWithTwoProxies(DRAIN_TIMEOUT, "1h")));
    new Kubectl(K8S.controlPlane().kubectl(), K8S.controlPlane().kubeconfig(), scratch)
        .ok("apply", "-n", cluster.namespace(), "-f", file.toString());
  }

  /** The endpoints controller marks web-1 terminating, still serving, as on a pod delete. */
  private void terminateWeb1() {
    cluster.writeSlice("web", "web-abc", 0, 3, 8080,
        e -> "10.0.0.2".equals(e.getAddresses().get(0)) ? TestCluster.terminating(e) : e);
  }

  /** Then the pod is gone: web-2 moves to a slice of its own first, so it is never missing. */
  private void removeWeb1() {
    cluster.writeSlice("web", "web-def", 2, 3, 8080, e -> e);
    cluster.writeSlice("web", "web-abc", 0, 1, 8080, e -> e);
  }

  // --- readers --------------------------------------------------------------------------------

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode view() throws Exception {
    HttpResponse<String> r = get("api/pools");
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static JsonNode onlyPool(JsonNode view) {
    assertThat(view.get("pools")).hasSize(1);
    return view.get("pools").get(0);
  }

  private static List<String> backends(JsonNode pool) {
    List<String> out = new ArrayList<>();
    pool.get("backends").forEach(b -> out.add(b.get("id").asText() + "=" + b.get("state").asText() + ":"
        + b.get("sessions").asText()));
    return out;
  }

  private static List<String> reasons(JsonNode view) {
    List<String> out = new ArrayList<>();
    view.get("events").forEach(e -> out.add(e.get("reason").asText()));
    return out;
  }

  /**
   * Each signing key of the pool as the Secret stores it (base64 of the ring file) and each key of
   * the ring as base64, base64url and hex: none may show.
   */
  private List<String> keyMaterial() {
    List<String> out = new ArrayList<>();
    client.secrets().inNamespace(cluster.namespace()).withName("web-keys").get().getData().values().forEach(data -> {
      out.add(data);
      new String(Base64.getDecoder().decode(data), java.nio.charset.StandardCharsets.UTF_8).lines()
          .filter(l -> !l.startsWith("#") && l.contains(":")).forEach(line -> {
            String b64 = line.substring(line.indexOf(':') + 1).trim();
            byte[] secret = Base64.getDecoder().decode(b64);
            out.add(b64);
            out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
            out.add(HexFormat.of().formatHex(secret));
          });
    });
    return out;
  }

  /** Backend rows as the page shows them, e.g. {@code web-1=Draining:16}, read in one go. */
  @SuppressWarnings("unchecked")
  private static List<String> rows(HeadlessChromium page) {
    return (List<String>) page.script("return Array.from(document.querySelectorAll('section.pool tr.backend'))"
        + ".map(r => r.dataset.backend + '=' + r.dataset.state + ':' + r.querySelector('.sessions').textContent);");
  }

  private static final Pattern LEFT = Pattern.compile("deadline in (\\d+\\.\\d) s");

  private static double secondsLeft(HeadlessChromium page) {
    String text = page.text("tr.backend[data-backend=web-1] .countdown");
    Matcher m = LEFT.matcher(text);
    assertThat(m.matches()).as("countdown text: " + text).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
