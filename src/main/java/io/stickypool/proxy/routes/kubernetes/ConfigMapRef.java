package io.stickypool.proxy.routes.kubernetes;

import java.util.Objects;

/** The one ConfigMap a proxy reads its routes from. */
public record ConfigMapRef(String namespace, String name) {
  public ConfigMapRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  /** The origin reported with every snapshot and error, such as {@code configmap:shop/web-routes}. */
  public String origin() {
    return "configmap:" + this;
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
