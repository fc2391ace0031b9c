package io.stickypool.proxy.tls.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stickypool.proxy.tls.CertifiedKey;
import io.stickypool.proxy.tls.TlsListener;
import io.stickypool.proxy.tls.TlsSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The certificate pair from a {@code kubernetes.io/tls} Secret ({@code tls.crt}, {@code tls.key}),
 * watched through the API server so a renewal (cert-manager's) applies within about a second
 * instead of the kubelet's volume sync period. The informer is restricted to the one name, which
 * is all the proxy's Role allows. The only class of the TLS side that knows Kubernetes.
 *
 * <p>A missing Secret, one without a valid pair, or an unreachable API server is reported to the
 * listener and nothing replaces the pair in use (static stability).
 *
 * <p>Threading: informer callbacks and the exception handler run on fabric8's threads; state
 * changes go through the synchronized {@link #apply} and {@link #report}.
 */
public final class SecretTlsSource implements TlsSource {
  static final Duration START_WAIT = Duration.ofSeconds(10);
  static final String CERT = "tls.crt";
  static final String KEY = "tls.key";

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String origin;
  private SharedIndexInformer<Secret> informer;
  private TlsListener listener;
  private String deliveredVersion;
  private String problem;

  public SecretTlsSource(KubernetesClient client, String namespace, String name) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
    this.origin = "secret:" + namespace + "/" + name;
  }

  /** Returns once the Secret was listed (its pair delivered or its absence reported), or after 10 s. */
  @Override
  public void start(TlsListener pairs) throws InterruptedException {
    this.listener = Objects.requireNonNull(pairs, "listener");
    informer = client.secrets().inNamespace(namespace).withName(name).runnableInformer(0);
    informer.exceptionHandler((started, failure) -> {
      report("API server unreachable: " + failure.getMessage());
      return true;
    });
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret secret) {
        apply(secret);
      }

      @Override
      public void onUpdate(Secret before, Secret after) {
        apply(after);
      }

      @Override
      public void onDelete(Secret secret, boolean finalStateUnknown) {
        report("Secret " + namespace + "/" + name + " was deleted");
      }
    });
    try {
      informer.start().toCompletableFuture().get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      // Listed; the informer hands the Secret to onAdd on its own thread, maybe later: apply it
      // now, so the listener opens with a pair (the later onAdd is the same version, skipped).
      List<Secret> listed = informer.getStore().list();
      if (listed.isEmpty()) {
        report("Secret " + namespace + "/" + name + " not found");
      } else {
        apply(listed.get(0));
      }
    } catch (TimeoutException | ExecutionException e) {
      report("no answer from the API server for Secret " + namespace + "/" + name + " within "
          + START_WAIT.toSeconds() + "s; still trying");
    }
  }

  private synchronized void apply(Secret secret) {
    String version = secret.getMetadata().getResourceVersion();
    if (version != null && version.equals(deliveredVersion) && problem == null) {
      return;
    }
    CertifiedKey pair;
    try {
      pair = CertifiedKey.parse(field(secret, CERT), field(secret, KEY));
    } catch (IllegalArgumentException e) {
      report("Secret " + namespace + "/" + name + ": " + e.getMessage());
      return;
    }
    deliveredVersion = version;
    problem = null;
    listener.onPair(pair, origin);
  }

  private static String field(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    String base64 = data == null ? null : data.get(key);
    if (base64 == null || base64.isEmpty()) {
      Map<String, String> text = secret.getStringData();
      if (text != null && text.get(key) != null) {
        return text.get(key);
      }
      throw new IllegalArgumentException("no " + key + " key (want a kubernetes.io/tls Secret)");
    }
    try {
      return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not base64");
    }
  }

  /** Reports a problem once, however often a retrying informer repeats it. */
  private synchronized void report(String detail) {
    if (!detail.equals(problem)) {
      problem = detail;
      listener.onProblem(origin, detail);
    }
  }

  @Override
  public String describe() {
    return origin;
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
