package io.stickypool.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The samples bind to the Java classes the operator reads, enums and fabric8 types included. */
class StickyPoolBindingTest {
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @Test
  void bindsTheHeaderSample() throws IOException {
    StickyPool pool = read("samples/pool-header.yaml");

    assertThat(pool.getMetadata().getName()).isEqualTo("api");
    assertThat(pool.getSpec().getBackend().getPort().getNumber()).isEqualTo(8080);
    assertThat(pool.getSpec().getAffinity().getType()).isEqualTo(AffinityType.Header);
    assertThat(pool.getSpec().getAffinity().getHeader().getName()).isEqualTo("X-Session-Id");
    assertThat(pool.getSpec().getPlacement().getBoundedLoadFactor()).isEqualTo(1.5);
    assertThat(pool.getSpec().getProxy().getServiceType()).isEqualTo(ServiceType.LoadBalancer);
    assertThat(pool.getSpec().getProxy().getResources().getRequests().get("cpu").toString())
        .isEqualTo("100m");
  }

  @Test
  void bindsTheCookieSampleWithItsPortName() throws IOException {
    StickyPool pool = read("samples/pool-cookie.yaml");

    assertThat(pool.getSpec().getBackend().getService()).isEqualTo("web");
    assertThat(pool.getSpec().getBackend().getPort().getName()).isEqualTo("http");
    assertThat(pool.getSpec().getBackend().getPort().getNumber()).isNull();
  }

  private StickyPool read(String file) throws IOException {
    return serialization.unmarshal(Files.readString(Path.of(file)), StickyPool.class);
  }
}
