package io.stickypool.sandbox.controlplane;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A real Kubernetes control plane on 127.0.0.1, built from upstream sources by {@code
 * scripts/build-control-plane.sh}: what the tests and {@code make demo-cluster} run against. Two
 * levels: {@link #start} brings up etcd and kube-apiserver, with RBAC and an audit log (enough for
 * most operator tests); {@link #startCluster} adds kube-controller-manager, kube-scheduler and KWOK
 * playing the kubelet of one fake node (real Deployments, ReplicaSets, Pods, graceful termination
 * and EndpointSlices). Ports are chosen free; {@link #close} stops every process by PID.
 *
 * <p>Users authenticate with static tokens; the API server's serving certificate is self-signed,
 * so clients skip its verification (loopback only). The ServiceAccount admission plugin is off so
 * that pods can be created before a namespace's default ServiceAccount exists (KWOK mounts nothing).
 */
public final class LocalControlPlane implements AutoCloseable {
  /** The fake node KWOK runs pods on; its pods get made-up IPs that nothing may send traffic to. */
  public static final String NODE = "kwok-node-0";

  private final ControlPlaneBinaries binaries;
  private final Path dir;
  private final String adminToken;
  private final List<LocalProcess> processes = new ArrayList<>();
  private final int apiPort;
  private final KubernetesClient admin;
  private final Duration apiServerStartup;
  private Duration clusterStartup;
  private boolean blackholed;

  private LocalControlPlane(ControlPlaneBinaries binaries, Path dir) throws IOException, InterruptedException {
    this.binaries = binaries;
    this.dir = dir;
    this.adminToken = randomToken();
    long t0 = System.nanoTime();
    this.apiPort = freePort();
    try {
      int etcdPort = freePort();
      writeCredentials();
      startEtcd(etcdPort, freePort());
      startApiServer(etcdPort);
      awaitReady("kube-apiserver", "https://127.0.0.1:" + apiPort + "/readyz", Duration.ofSeconds(90));
    } catch (IOException | RuntimeException | InterruptedException e) {
      stopProcesses();
      throw e;
    }
    this.apiServerStartup = Duration.ofNanos(System.nanoTime() - t0);
    writeKubeconfig(kubeconfig(), adminToken);
    this.admin = client(config());
    System.out.printf("control plane: etcd + kube-apiserver %s ready in %d ms (%s)%n",
        admin.getKubernetesVersion().getGitVersion(), apiServerStartup.toMillis(), dir);
  }

  /**
   * Starts etcd and kube-apiserver with their files (data, certificates, logs) in {@code dir}.
   * On failure, whatever was started is stopped again.
   */
  public static LocalControlPlane start(ControlPlaneBinaries binaries, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    return new LocalControlPlane(binaries, dir);
  }

  /**
   * Applies {@code crd} (server-side, taking the fields over) and waits until the API server says
   * it is Established. Shared by the tests, the demo and the benchmark.
   */
  public static void installCrd(KubernetesClient client, CustomResourceDefinition crd) {
    crd.getMetadata().setResourceVersion(null);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).forceConflicts().serverSideApply();
    String name = crd.getMetadata().getName();
    try {
      poll("CRD " + name + " Established", Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
        CustomResourceDefinition c = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
        return c != null && c.getStatus() != null && c.getStatus().getConditions() != null
            && c.getStatus().getConditions().stream()
                .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus()));
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for CRD " + name, e);
    }
  }

  /** A client with the admin's rights (group system:masters). Shared: do not close it. */
  public KubernetesClient admin() {
    return admin;
  }

  /** A new client acting as {@code user} in {@code groups} (impersonated by the admin); close it. */
  public KubernetesClient impersonating(String user, String... groups) {
    Config c = config();
    c.setImpersonateUsername(user);
    c.setImpersonateGroups(groups);
    return client(c);
  }

  /** A new admin client of its own (for code under test that closes its client). */
  public KubernetesClient newAdminClient() {
    return client(config());
  }

  /** A kubeconfig for the admin, for kubectl and Helm. */
  public Path kubeconfig() {
    return dir.resolve("admin.kubeconfig");
  }

  public Path kubectl() {
    return binaries.tool("kubectl");
  }

  /** The API server's audit log: one JSON event per request, at the Metadata level. */
  public Path auditLog() {
    return dir.resolve("audit.log");
  }

  public String serverUrl() {
    return "https://127.0.0.1:" + apiPort;
  }

  public Duration apiServerStartup() {
    return apiServerStartup;
  }

  public synchronized Duration clusterStartup() {
    return clusterStartup;
  }

  private Config config() {
    return new ConfigBuilder()
        .withMasterUrl(serverUrl())
        .withOauthToken(adminToken)
        .withTrustCerts(true)
        .withDisableHostnameVerification(true)
        .withNamespace("default")
        .withRequestTimeout(30_000)
        .build();
  }

  private static KubernetesClient client(Config config) {
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private void writeCredentials() throws IOException {
    KeyPairGenerator rsa;
    try {
      rsa = KeyPairGenerator.getInstance("RSA");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    rsa.initialize(2048);
    KeyPair serviceAccountKeys = rsa.generateKeyPair();
    Files.writeString(dir.resolve("sa.key"), pem("PRIVATE KEY", serviceAccountKeys.getPrivate().getEncoded()));
    Files.writeString(dir.resolve("sa.pub"), pem("PUBLIC KEY", serviceAccountKeys.getPublic().getEncoded()));
    // Every control-plane component authenticates as an admin: these are tests, not a hardened cluster.
    Files.writeString(dir.resolve("tokens.csv"), adminToken + ",admin,admin,\"system:masters\"\n");
    Files.writeString(dir.resolve("audit-policy.yaml"), String.join("\n",
        "apiVersion: audit.k8s.io/v1",
        "kind: Policy",
        "omitStages: [RequestReceived]",
        "rules:",
        "- level: Metadata",
        ""));
  }

  private void startEtcd(int clientPort, int peerPort) throws IOException, InterruptedException {
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    processes.add(LocalProcess.start("etcd", dir, List.of(
        binaries.tool("etcd").toString(),
        "--name=default",
        "--data-dir=" + dir.resolve("etcd-data"),
        "--listen-client-urls=" + client,
        "--advertise-client-urls=" + client,
        "--listen-peer-urls=" + peer,
        "--initial-advertise-peer-urls=" + peer,
        "--initial-cluster=default=" + peer,
        "--listen-metrics-urls=",
        "--unsafe-no-fsync",
        "--log-level=warn")));
    awaitReady("etcd", client + "/health", Duration.ofSeconds(30));
  }

  private void startApiServer(int etcdPort) throws IOException {
    processes.add(LocalProcess.start("kube-apiserver", dir, List.of(
        binaries.tool("kube-apiserver").toString(),
        "--etcd-servers=http://127.0.0.1:" + etcdPort,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        "--secure-port=" + apiPort,
        "--cert-dir=" + dir.resolve("apiserver-certs"),
        "--token-auth-file=" + dir.resolve("tokens.csv"),
        "--authorization-mode=RBAC",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file=" + dir.resolve("sa.pub"),
        "--service-account-signing-key-file=" + dir.resolve("sa.key"),
        "--service-cluster-ip-range=10.96.0.0/16",
        "--endpoint-reconciler-type=none",
        "--allow-privileged=true",
        "--disable-admission-plugins=ServiceAccount",
        "--audit-policy-file=" + dir.resolve("audit-policy.yaml"),
        "--audit-log-path=" + auditLog(),
        "--audit-log-format=json")));
  }

  /** KWOK's pod addresses and the Service range: made up, never to be dialled (see {@link #blackhole}). */
  private static final List<String> FAKE_RANGES = List.of("10.244.0.0/16", "10.96.0.0/16");

  /** True once {@link #startCluster} ran. */
  public synchronized boolean clusterStarted() {
    return clusterStartup != null;
  }

  /**
   * Adds the controllers, the scheduler and KWOK with one fake node; a no-op once done.
   *
   * @param blackholeFakeRanges also route KWOK's pod range and the Service range to a blackhole
   *     while this runs (see {@link #blackhole}): for CI machines, not for a user's laptop
   */
  public synchronized void startCluster(boolean blackholeFakeRanges) throws IOException, InterruptedException {
    if (clusterStartup != null) {
      return;
    }
    long t0 = System.nanoTime();
    if (blackholeFakeRanges) {
      blackhole("replace");
      blackholed = true;
    }
    int kcmPort = freePort();
    processes.add(LocalProcess.start("kube-controller-manager", dir, List.of(
        binaries.tool("kube-controller-manager").toString(),
        "--kubeconfig=" + kubeconfig(),
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=" + kcmPort,
        "--use-service-account-credentials=false",
        "--service-account-private-key-file=" + dir.resolve("sa.key"),
        "--root-ca-file=" + dir.resolve("apiserver-certs").resolve("apiserver.crt"),
        "--controllers=*,-nodeipam,-nodelifecycle",
        "--concurrent-deployment-syncs=5",
        "--v=1")));
    int schedulerPort = freePort();
    processes.add(LocalProcess.start("kube-scheduler", dir, List.of(
        binaries.tool("kube-scheduler").toString(),
        "--kubeconfig=" + kubeconfig(),
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=" + schedulerPort)));
    processes.add(LocalProcess.start("kwok", dir, kwokCommand()));
    awaitReady("kube-controller-manager", "https://127.0.0.1:" + kcmPort + "/healthz", Duration.ofSeconds(60));
    awaitReady("kube-scheduler", "https://127.0.0.1:" + schedulerPort + "/healthz", Duration.ofSeconds(60));
    createFakeNode();
    clusterStartup = Duration.ofNanos(System.nanoTime() - t0);
    System.out.printf("control plane: controller-manager, scheduler, KWOK and node %s ready in %d ms%n",
        NODE, clusterStartup.toMillis());
  }

  private List<String> kwokCommand() throws IOException {
    List<String> command = new ArrayList<>(List.of(
        binaries.tool("kwok").toString(),
        "--kubeconfig=" + kubeconfig(),
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--server-address=127.0.0.1:" + freePort(),
        "--cidr=10.244.0.0/16",
        "--node-ip=10.244.255.254",
        "--node-lease-duration-seconds=40"));
    // node-fast, node-heartbeat-with-lease and pod-general: pods honour their grace period.
    command.add("--config=" + binaries.stages().resolve("default.yaml"));
    return command;
  }

  private void createFakeNode() throws InterruptedException {
    addNode(NODE, Map.of());
  }

  /**
   * Adds one more KWOK node (the cluster level must be started), Ready and schedulable, with
   * {@code labels} beside the usual ones; delete it with the API when done.
   */
  public void addNode(String name, Map<String, String> labels) throws InterruptedException {
    admin.nodes().resource(new NodeBuilder()
        .withNewMetadata().withName(name)
        .addToAnnotations("kwok.x-k8s.io/node", "fake")
        .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
        .addToLabels("kubernetes.io/hostname", name)
        .addToLabels("kubernetes.io/os", "linux")
        .addToLabels("kubernetes.io/arch", "amd64")
        .addToLabels("type", "kwok")
        .addToLabels(labels)
        .endMetadata()
        .build()).create();
    poll("node " + name + " Ready", Duration.ofSeconds(60), Duration.ofMillis(200),
        () -> admin.nodes().withName(name).get().getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
    // The API server's TaintNodesByCondition admission gave the new node not-ready:NoSchedule; the
    // node lifecycle controller would lift it once the node is Ready, but it is off here (it would
    // also evict pods whenever KWOK's heartbeat is late on a loaded machine), so lift it as it would.
    admin.nodes().withName(name).edit(node -> {
      if (node.getSpec().getTaints() != null) {
        node.getSpec().getTaints().removeIf(t -> "node.kubernetes.io/not-ready".equals(t.getKey()));
      }
      return node;
    });
  }

  private void writeKubeconfig(Path file, String token) throws IOException {
    Files.writeString(file, String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: local",
        "  cluster:",
        "    server: " + serverUrl(),
        "    insecure-skip-tls-verify: true",
        "users:",
        "- name: admin",
        "  user:",
        "    token: " + token,
        "contexts:",
        "- name: local",
        "  context: {cluster: local, user: admin, namespace: default}",
        "current-context: local",
        ""));
  }

  /** Polls {@code url} until it answers 200; fails at once if a process we started exits. */
  private void awaitReady(String name, String url, Duration max) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trustAll())
        .connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(5)).build();
    String[] last = {""};
    try {
      poll(name + " ready", max, Duration.ofMillis(50), () -> {
        for (LocalProcess p : processes) {
          if (!p.isAlive()) {
            throw new IllegalStateException(p.name() + " exited while waiting for " + name + ":\n" + p.tail(30));
          }
        }
        try {
          HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
          last[0] = r.statusCode() + " " + r.body();
          return r.statusCode() == 200;
        } catch (IOException notYet) {
          last[0] = notYet.toString();
          return false;
        }
      });
    } catch (TimeoutException e) {
      throw new IllegalStateException(name + " not ready within " + max + " (" + url + "): " + last[0], e);
    }
  }

  /** A condition that may throw: polled until true. */
  private interface Check {
    boolean holds() throws IOException, InterruptedException;
  }

  /** Checks every {@code every} until true; a {@link TimeoutException} after {@code max}. */
  private static void poll(String what, Duration max, Duration every, Check check) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      try {
        if (check.holds()) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        if (e instanceof IllegalStateException) {
          throw (IllegalStateException) e;
        }
        // not yet: the component is still coming up
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(what + " not within " + max);
      }
      Thread.sleep(every.toMillis());
    }
  }

  /** A component did not come up in time. */
  public static final class TimeoutException extends IllegalStateException {
    TimeoutException(String message) {
      super(message);
    }
  }

  /**
   * Tests must map pod IPs to loopback servers (adminTargets, routes decorators); as a second line
   * of defence, while KWOK's made-up addresses exist, a blackhole route makes any dial of them fail
   * on this machine instead of sending a packet anywhere. Needs root and iproute2; without them it
   * only says so.
   */
  private void blackhole(String verb) {
    for (String range : FAKE_RANGES) {
      try {
        Process p = new ProcessBuilder("ip", "route", verb, "blackhole", range).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0 && "replace".equals(verb)) {
          System.out.println("control plane: no blackhole route for " + range + " (" + out + ")");
        }
      } catch (IOException e) {
        System.out.println("control plane: no blackhole route for " + range + " (" + e.getMessage() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops every process, last started first, and removes the blackhole routes it added. */
  @Override
  public synchronized void close() {
    if (blackholed) {
      blackhole("del");
      blackholed = false;
    }
    admin.close();
    stopProcesses();
  }

  /** The directory with the data, certificates, kubeconfig and each process's log. */
  public Path dir() {
    return dir;
  }

  private void stopProcesses() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    processes.clear();
  }

  private static SSLContext trustAll() {
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, new SecureRandom());
      return ssl;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static String randomToken() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
