package io.stickypool.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.stickypool.core.backend.BackendId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Grace periods from the backend pod cache, matched to the slices' targetRefs. */
class BackendGracePeriodsTest {
  private static final String NS = "shop";
  private static final Set<BackendId> BACKENDS = Set.of(BackendId.of("web-0"), BackendId.of("web-1"));

  @Test
  void readsEachBackendsGraceFromTheCache() {
    Pod web0 = pod("web-0", "uid-0", 600L);
    Pod web1 = pod("web-1", "uid-1", null);

    assertThat(BackendGracePeriods.of(cache(web0, web1), NS, BACKENDS, List.of(slice(web0, web1))))
        .containsEntry("web-0", 600L).containsEntry("web-1", null).hasSize(2);
  }

  @Test
  void skipsPodsTheCacheDoesNotHold() {
    Pod web0 = pod("web-0", "uid-0", 30L);
    Pod ghost = pod("web-1", "gone", 30L);

    assertThat(BackendGracePeriods.of(cache(web0), NS, BACKENDS, List.of(slice(web0, ghost)))).containsOnlyKeys("web-0");
  }

  @Test
  void skipsAnOldPodUnderTheNameOfItsReplacement() {
    Pod cached = pod("web-0", "old-uid", 30L);
    Pod replacement = pod("web-0", "new-uid", 600L);

    assertThat(BackendGracePeriods.of(cache(cached), NS, BACKENDS, List.of(slice(replacement)))).isEmpty();
  }

  @Test
  void ignoresEndpointsOfOtherBackends() {
    Pod other = pod("api-0", "uid-a", 30L);

    assertThat(BackendGracePeriods.of(cache(other), NS, BACKENDS, List.of(slice(other)))).isEmpty();
  }

  private static BackendPods cache(Pod... pods) {
    Map<String, Pod> byName = new java.util.HashMap<>();
    for (Pod p : pods) {
      byName.put(p.getMetadata().getName(), PodEssentials.essentials(p));
    }
    return (namespace, name) -> NS.equals(namespace) ? Optional.ofNullable(byName.get(name)) : Optional.empty();
  }

  private static Pod pod(String name, String uid, Long grace) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).withUid(uid).endMetadata()
        .withNewSpec().withTerminationGracePeriodSeconds(grace)
        .addNewContainer().withName("app").withImage("web:1").endContainer().endSpec().build();
  }

  private static EndpointSlice slice(Pod... pods) {
    EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName("web-abc")
        .addToLabels("kubernetes.io/service-name", "web").endMetadata().withAddressType("IPv4");
    for (Pod p : pods) {
      b.addNewEndpoint().withAddresses("10.0.0.1").withTargetRef(new ObjectReferenceBuilder()
          .withKind("Pod").withName(p.getMetadata().getName()).withUid(p.getMetadata().getUid())
          .withNamespace(NS).build()).endEndpoint();
    }
    return b.build();
  }
}
