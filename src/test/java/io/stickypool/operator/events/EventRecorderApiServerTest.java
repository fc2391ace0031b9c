package io.stickypool.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Events as kubectl expects them from a recorder: repeats counted on one object, failures kept to the log. */
class EventRecorderApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration FLUSH = Duration.ofSeconds(20);

  private final KubernetesClient client = K8S.client();

  @Test
  void aRepeatedEventIsCountedOnOneObjectAndANewMessageIsANewEvent() throws Exception {
    ConfigMap involved = involved("counted");
    MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    try (EventRecorder recorder = new EventRecorder(client, clock, 100)) {
      for (int i = 0; i < 3; i++) {
        recorder.record(involved, EventReason.SERVICE_NOT_FOUND, "Service web not found");
        clock.now = clock.now.plusSeconds(10);
      }
      recorder.record(involved, EventReason.PORT_NOT_FOUND, "Service web has no TCP port named grpc");
      assertThat(recorder.flush(FLUSH)).isTrue();
    }

    List<Event> events = eventsOf(involved);
    assertThat(events).extracting(Event::getReason, Event::getType, Event::getCount)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("ServiceNotFound", "Warning", 3),
            org.assertj.core.groups.Tuple.tuple("PortNotFound", "Warning", 1));
    Event repeated = events.stream().filter(e -> e.getReason().equals("ServiceNotFound")).findFirst().orElseThrow();
    assertThat(repeated.getFirstTimestamp()).isEqualTo("2026-12-03T10:00:00Z");
    assertThat(repeated.getLastTimestamp()).isEqualTo("2026-12-03T10:00:20Z");
    assertThat(repeated.getInvolvedObject().getUid()).isEqualTo(involved.getMetadata().getUid());
    assertThat(repeated.getSource().getComponent()).isEqualTo("stickypool-operator");
  }

  @Test
  void anEventTheServerRefusesNeverReachesTheCallerAndTheNextOnesStillGoOut() throws Exception {
    ConfigMap involved = involved("after-a-failure");
    ConfigMap elsewhere = new ConfigMapBuilder(involved).editMetadata().withNamespace("no-such-namespace").endMetadata()
        .build();
    try (EventRecorder recorder = new EventRecorder(client, Clock.systemUTC(), 100)) {
      recorder.record(elsewhere, EventReason.RECONCILE_ERROR, "refused: its namespace does not exist");
      recorder.record(involved, EventReason.ROUTES_UPDATED, "Routes v1 -> v2: added web-0; 1 active, 0 draining");
      assertThat(recorder.flush(FLUSH)).isTrue();
    }

    assertThat(eventsOf(involved)).extracting(Event::getReason).containsExactly("RoutesUpdated");
  }

  private ConfigMap involved(String name) {
    return client.configMaps().inNamespace(K8S.namespace()).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(name).withNamespace(K8S.namespace()).endMetadata().build()).create();
  }

  private List<Event> eventsOf(ConfigMap involved) {
    return client.v1().events().inNamespace(K8S.namespace()).list().getItems().stream()
        .filter(e -> involved.getMetadata().getUid().equals(e.getInvolvedObject().getUid())).toList();
  }

  /** Time that the test moves. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
