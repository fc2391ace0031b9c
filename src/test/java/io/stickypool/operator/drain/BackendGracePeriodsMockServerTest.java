package io.stickypool.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.stickypool.core.backend.BackendId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class BackendGracePeriodsMockServerTest {
  private static final String NS = "shop";
  private static final Set<BackendId> BACKENDS = Set.of(BackendId.of("web-0"), BackendId.of("web-1"));

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void readsEachPodOnceAndAgainOnlyWhenItsUidChanges() throws InterruptedException {
    Pod web0 = create("web-0", 30L);
    Pod web1 = create("web-1", null);
    BackendGracePeriods graces = new BackendGracePeriods(client);
    List<EndpointSlice> slices = List.of(slice(web0, web1));

    assertThat(graces.of("pool-uid", NS, BACKENDS, slices))
        .containsEntry("web-0", 30L).containsEntry("web-1", null).hasSize(2);
    assertThat(podGets()).containsExactlyInAnyOrder("web-0", "web-1");

    assertThat(graces.of("pool-uid", NS, BACKENDS, slices)).containsEntry("web-0", 30L);
    assertThat(podGets()).as("cached by uid").isEmpty();

    client.pods().inNamespace(NS).withName("web-0").delete();
    Pod replaced = create("web-0", 600L);
    assertThat(graces.of("pool-uid", NS, BACKENDS, List.of(slice(replaced, web1))))
        .containsEntry("web-0", 600L);
    assertThat(podGets()).containsExactly("web-0");
  }

  @Test
  void skipsPodsThatCannotBeFound() {
    Pod web0 = create("web-0", 30L);
    Pod ghost = new PodBuilder().withNewMetadata().withName("web-1").withUid("gone").endMetadata().build();

    assertThat(new BackendGracePeriods(client).of("pool-uid", NS, BACKENDS, List.of(slice(web0, ghost))))
        .containsOnlyKeys("web-0");
  }

  private Pod create(String name, Long grace) {
    return client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name)
        .withUid(name + "-" + System.nanoTime()).endMetadata()
        .withNewSpec().withTerminationGracePeriodSeconds(grace)
        .addNewContainer().withName("app").withImage("web:1").endContainer().endSpec().build()).create();
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

  /** Names of the pods GET since the last call. */
  private List<String> podGets() throws InterruptedException {
    List<String> out = new java.util.ArrayList<>();
    for (RecordedRequest r = server.takeRequest(10, TimeUnit.MILLISECONDS); r != null;
        r = server.takeRequest(10, TimeUnit.MILLISECONDS)) {
      if ("GET".equals(r.getMethod()) && r.getPath().contains("/pods/")) {
        out.add(r.getPath().substring(r.getPath().lastIndexOf('/') + 1));
      }
    }
    return out;
  }
}
