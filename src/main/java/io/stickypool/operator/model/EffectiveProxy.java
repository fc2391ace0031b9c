package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.stickypool.api.v1alpha1.Proxy;
import io.stickypool.api.v1alpha1.ServiceType;
import io.stickypool.api.v1alpha1.StickyPool;
import java.util.Objects;

/**
 * The spec's proxy block with the CRD's defaults filled in. The API server applies the same
 * defaults on admission, but objects built in tests or read before defaulting (and fields that are
 * {@code null} in an older stored version) must render the same, so the model does not trust them.
 *
 * @param replicas what the operator writes to the proxy Deployment's replicas: the spec's value;
 *     {@value #DEFAULT_REPLICAS} for a Deployment it is about to create when the spec sets none;
 *     null (leave them to whoever scales the Deployment: kubectl scale, an HPA) once it exists
 * @param image the spec's image, else the operator's default
 * @param resources null means none set
 * @param tlsSecret the kubernetes.io/tls Secret the proxy serves, or null for plain HTTP
 */
public record EffectiveProxy(
    Integer replicas, int port, ServiceType serviceType, String image, ResourceRequirements resources,
    String tlsSecret) {
  static final int DEFAULT_REPLICAS = 2;
  static final int DEFAULT_PORT = 8080;

  /** Without TLS. */
  public EffectiveProxy(
      Integer replicas, int port, ServiceType serviceType, String image, ResourceRequirements resources) {
    this(replicas, port, serviceType, image, resources, null);
  }

  /** The spec's TLS Secret name, or null for plain HTTP. */
  public static String tlsSecret(StickyPool pool) {
    Proxy proxy = pool.getSpec() == null ? null : pool.getSpec().getProxy();
    return proxy == null || proxy.getTls() == null ? null : proxy.getTls().getSecretName();
  }

  /**
   * @throws IllegalArgumentException when neither the spec nor the operator names an image
   */
  /** The proxy port alone, which needs no image. */
  public static int port(StickyPool pool) {
    Proxy proxy = pool.getSpec() == null ? null : pool.getSpec().getProxy();
    return proxy == null || proxy.getPort() == null ? DEFAULT_PORT : proxy.getPort();
  }

  /** For a proxy Deployment that does not exist yet (or a sidecar, where replicas mean nothing). */
  public static EffectiveProxy of(StickyPool pool, String defaultImage) {
    return of(pool, defaultImage, false);
  }

  /** @param deploymentExists whether the pool's proxy Deployment is already there */
  public static EffectiveProxy of(StickyPool pool, String defaultImage, boolean deploymentExists) {
    Proxy proxy = pool.getSpec() == null || pool.getSpec().getProxy() == null
        ? new Proxy() : pool.getSpec().getProxy();
    String image = proxy.getImage() != null ? proxy.getImage() : defaultImage;
    if (image == null || image.isBlank()) {
      throw new IllegalArgumentException("no proxy image: spec.proxy.image and the operator's"
          + " default image are both unset");
    }
    return new EffectiveProxy(
        replicas(proxy.getReplicas(), deploymentExists),
        Objects.requireNonNullElse(proxy.getPort(), DEFAULT_PORT),
        Objects.requireNonNullElse(proxy.getServiceType(), ServiceType.ClusterIP),
        image,
        proxy.getResources(),
        tlsSecret(pool));
  }

  /**
   * Who owns the replica count: the pool when it sets one, otherwise whoever scales the
   * Deployment after the operator created it with the default.
   */
  static Integer replicas(Integer specReplicas, boolean deploymentExists) {
    if (specReplicas != null) {
      return specReplicas;
    }
    return deploymentExists ? null : DEFAULT_REPLICAS;
  }
}
