package io.stickypool.operator.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.stickypool.core.backend.BackendId;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The grace-period reader against a real API server, through a client that records every pod GET
 * it sends (the server assigns the uids, so a re-created pod really has a new one).
 */
class BackendGracePeriodsApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Set<BackendId> BACKENDS = Set.of(BackendId.of("web-0"), BackendId.of("web-1"));

  private final KubernetesClient admin = K8S.client();
  private final String ns = K8S.namespace();
  private final List<String> podGets = new ArrayList<>();
  private final KubernetesClient recorded = new KubernetesClientBuilder()
      .withConfig(admin.getConfiguration())
      .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("pod-gets", new Interceptor() {
        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
          String path = request.uri().getPath();
          if ("GET".equals(request.method()) && path.contains("/namespaces/" + ns + "/pods/")) {
            synchronized (podGets) {
              podGets.add(path.substring(path.lastIndexOf('/') + 1));
            }
          }
        }
      }))
      .build();

  /** The namespace outlives each test; pods on no node are deleted at once, without a kubelet. */
  @AfterEach
  void cleanUp() {
    recorded.close();
    admin.pods().inNamespace(ns).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.pods().inNamespace(ns).list().getItems().isEmpty());
  }

  @Test
  void readsEachPodOnceAndAgainOnlyWhenItsUidChanges() {
    Pod web0 = create("web-0", 30L);
    Pod web1 = create("web-1", null);
    assertThat(web1.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
    BackendGracePeriods graces = new BackendGracePeriods(recorded);
    List<EndpointSlice> slices = List.of(slice(web0, web1));

    // The mock kept an unset grace period null; the API server defaults it to 30 s on create.
    assertThat(graces.of("pool-uid", ns, BACKENDS, slices))
        .containsEntry("web-0", 30L).containsEntry("web-1", 30L).hasSize(2);
    assertThat(podGets()).containsExactlyInAnyOrder("web-0", "web-1");

    assertThat(graces.of("pool-uid", ns, BACKENDS, slices)).containsEntry("web-0", 30L);
    assertThat(podGets()).as("cached by uid").isEmpty();

    admin.pods().inNamespace(ns).withName("web-0").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.pods().inNamespace(ns).withName("web-0").get() == null);
    Pod replaced = create("web-0", 600L);
    assertThat(replaced.getMetadata().getUid()).as("a new pod under the old name").isNotEqualTo(web0.getMetadata().getUid());
    assertThat(graces.of("pool-uid", ns, BACKENDS, List.of(slice(replaced, web1))))
        .containsEntry("web-0", 600L);
    assertThat(podGets()).containsExactly("web-0");
  }

  @Test
  void skipsPodsThatCannotBeFound() {
    Pod web0 = create("web-0", 30L);
    Pod ghost = new PodBuilder().withNewMetadata().withName("web-1").withUid("gone").endMetadata().build();

    assertThat(new BackendGracePeriods(recorded).of("pool-uid", ns, BACKENDS, List.of(slice(web0, ghost))))
        .containsOnlyKeys("web-0");
  }

  private Pod create(String name, Long grace) {
    return admin.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withTerminationGracePeriodSeconds(grace)
        .addNewContainer().withName("app").withImage("web:1").endContainer().endSpec().build()).create();
  }

  private EndpointSlice slice(Pod... pods) {
    EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName("web-abc")
        .addToLabels("kubernetes.io/service-name", "web").endMetadata().withAddressType("IPv4");
    for (Pod p : pods) {
      b.addNewEndpoint().withAddresses("10.0.0.1").withTargetRef(new ObjectReferenceBuilder()
          .withKind("Pod").withName(p.getMetadata().getName()).withUid(p.getMetadata().getUid())
          .withNamespace(ns).build()).endEndpoint();
    }
    return b.build();
  }

  /** Names of the pods GET since the last call. */
  private List<String> podGets() {
    synchronized (podGets) {
      List<String> out = List.copyOf(podGets);
      podGets.clear();
      return out;
    }
  }
}
