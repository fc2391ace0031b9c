package io.stickypool.testing.cluster;


import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.sandbox.controlplane.LocalControlPlane;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own namespace on the JVM's shared real control plane, with the StickyPool CRD
 * from {@code crds/} installed. Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final ControlPlaneNamespace k8s = ControlPlaneNamespace.apiServer();}</pre>
 *
 * Namespaces are unique per class and removed afterwards (on the API-server level nothing
 * finalizes a deleted namespace, so it may stay Terminating: harmless, nobody reads it again).
 */
public final class ControlPlaneNamespace implements BeforeAllCallback, AfterAllCallback {
  public static final Path CRD = Path.of("crds", "stickypools.stickypool.io-v1.yml");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static volatile boolean crdInstalled;

  private final ControlPlane.Level level;
  private LocalControlPlane plane;
  private String namespace;

  private ControlPlaneNamespace(ControlPlane.Level level) {
    this.level = level;
  }

  /** etcd and kube-apiserver only. */
  public static ControlPlaneNamespace apiServer() {
    return new ControlPlaneNamespace(ControlPlane.Level.API_SERVER);
  }

  /** Plus controller-manager, scheduler and a KWOK node: Deployments really roll out. */
  public static ControlPlaneNamespace cluster() {
    return new ControlPlaneNamespace(ControlPlane.Level.CLUSTER);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    plane = ControlPlane.shared(level);
    installCrdOnce(plane.admin());
    String base = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]", "");
    namespace = (base.length() > 40 ? base.substring(0, 40) : base) + "-" + SEQUENCE.incrementAndGet()
        + "-" + Long.toString(System.nanoTime() % 100_000, 36);
    plane.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
        .endMetadata().build()).create();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (namespace != null) {
      plane.admin().namespaces().withName(namespace).delete();
    }
  }

  public KubernetesClient client() {
    return plane.admin();
  }

  public String namespace() {
    return namespace;
  }

  public LocalControlPlane controlPlane() {
    return plane;
  }

  private static synchronized void installCrdOnce(KubernetesClient admin) {
    if (crdInstalled) {
      return;
    }
    installCrd(admin);
    crdInstalled = true;
  }

  /** Applies the StickyPool CRD from {@code crds/} and waits until the API server serves it. */
  public static void installCrd(KubernetesClient admin) {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(CRD)) {
      crd = admin.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalControlPlane.installCrd(admin, crd);
  }
}
