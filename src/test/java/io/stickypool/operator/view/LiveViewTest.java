package io.stickypool.operator.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.operator.events.EventReason;
import io.stickypool.operator.events.RecentEvents;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LiveViewTest {
  private static final KubernetesSerialization K8S = new KubernetesSerialization();
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  private static StickyPool pool(String namespace, String yaml) {
    StickyPool p = K8S.unmarshal("""
        apiVersion: stickypool.io/v1alpha1
        kind: StickyPool
        metadata: {name: web, namespace: %s}
        """.formatted(namespace) + yaml, StickyPool.class);
    return p;
  }

  private static final String DRAINING = """
      spec:
        backend: {service: web, port: {name: http}}
        drain: {drainTimeout: 45s}
        signingKeys: {rotationInterval: 24h}
      status:
        snapshotVersion: 7
        sessions: 12
        sessionsReportedBy: 2/2
        sessionsObservedAt: "2026-12-03T11:59:58Z"
        proxyReplicas: {ready: 2, desired: 2}
        conditions:
        - {type: Ready, status: "True", reason: Reconciled, message: ok}
        backends:
        - {id: web-0, address: "10.0.0.1:8080", state: Active, sessions: 9}
        - {id: web-1, address: "10.0.0.2:8080", state: Draining, sessions: 3,
           drainDeadline: "2026-12-03T12:00:30Z", waitingFor: [slow]}
      """;

  @Test
  void showsEachBackendWithItsStateSessionsAndDrainDeadline() {
    LiveView.Pool web = LiveView.of(NOW, "single", List.of(pool("ns", DRAINING)), List.of()).pools().get(0);

    assertThat(web).isEqualTo(new LiveView.Pool("ns", "web", "Deployment", "Cookie", "web", "True", "Reconciled",
        "ok", 7L, 2, 2, 12L, "2/2", "2026-12-03T11:59:58Z", 45L, List.of(
            new LiveView.Backend("web-0", "10.0.0.1:8080", "Active", 9L, null, List.of()),
            new LiveView.Backend("web-1", "10.0.0.2:8080", "Draining", 3L, "2026-12-03T12:00:30Z",
                List.of("slow")))));
  }

  @Test
  void aPoolNotReconciledYetIsUnknownWithNoBackends() {
    LiveView.Pool web = LiveView.of(NOW, "single", List.of(pool("ns", """
        spec:
          backend: {service: web, port: {name: http}}
        """)), List.of()).pools().get(0);

    assertThat(web.ready()).isEqualTo("Unknown");
    assertThat(web.backends()).isEmpty();
    assertThat(web.sessions()).isNull();
    assertThat(web.drainTimeoutSeconds()).as("the default drain timeout").isEqualTo(300L);
  }

  @Test
  void anInvalidSpecHasNoDrainTimeout() {
    LiveView.Pool web = LiveView.of(NOW, "single", List.of(pool("ns", """
        spec:
          backend: {service: web, port: {name: http}}
          drain: {drainTimeout: soon}
        """)), List.of()).pools().get(0);

    assertThat(web.drainTimeoutSeconds()).isNull();
  }

  @Test
  void sortsPoolsByNamespaceThenName() {
    StickyPool b = pool("b", DRAINING);
    StickyPool a = pool("a", DRAINING);
    assertThat(LiveView.of(NOW, "leader", List.of(b, a), List.of()).pools())
        .extracting(LiveView.Pool::namespace).containsExactly("a", "b");
  }

  @Test
  void carriesTheNewestEventsAndMarksTheMoves() {
    RecentEvents recent = new RecentEvents(200);
    IntStream.range(0, 60).forEach(i ->
        recent.add("ns", "web", EventReason.ROUTES_UPDATED, "Routes v" + i, NOW.plusSeconds(i)));
    recent.add("ns", "web", EventReason.SESSIONS_REBALANCED, "3 sessions moved from web-1 to web-0 (+3)",
        NOW.plusSeconds(61));

    List<LiveView.Event> events = LiveView.of(NOW, "single", List.of(), recent.newestFirst()).events();

    assertThat(events).hasSize(LiveView.EVENTS);
    assertThat(events.get(0)).isEqualTo(new LiveView.Event("ns", "web", "Normal", "SessionsRebalanced",
        "3 sessions moved from web-1 to web-0 (+3)", 1, "2026-12-03T12:01:01Z", "2026-12-03T12:01:01Z", true));
    assertThat(events.get(1).move()).isFalse();
  }

  @Test
  void theJsonHoldsNoSpecBeyondWhatThePageShows() throws Exception {
    String json = LiveViewPage.json(LiveView.of(NOW, "single", List.of(pool("ns", DRAINING)), List.of()));
    JsonNode doc = new ObjectMapper().readTree(json);

    assertThat(doc.get("now").asText()).isEqualTo("2026-12-03T12:00:00Z");
    assertThat(doc.get("pools").get(0).get("backends").get(1).get("drainDeadline").asText())
        .isEqualTo("2026-12-03T12:00:30Z");
    assertThat(json).doesNotContain("signingKeys", "rotationInterval", "24h");
  }
}
