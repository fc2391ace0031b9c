package io.stickypool.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.stickypool.api.v1alpha1.ServiceType;
import io.stickypool.operator.model.EffectiveProxy;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.SidecarModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image archive {@code make image} writes ({@code make image-test} runs this with
 * -Dstickypool.image=target/stickypool-image.tar): its index, manifest and config as a registry or
 * kind would read them, and its file system unpacked and run as the image says (entrypoint, user,
 * environment) under chroot, in a mount namespace of its own with a /proc and the devices a
 * container runtime provides. Needs root, as CI is.
 */
@EnabledIfSystemProperty(named = "stickypool.image", matches = ".+")
class ImageArchiveCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The uid the operator's proxy pods run as (ProxyDeploymentModel.RUN_AS_USER) and the chart's. */
  private static final String USER = "10001:10001";
  private static final String JAR = "/app/stickypool.jar";

  @TempDir
  static Path dir;
  static Path layout;
  static Path rootfs;
  static JsonNode index;
  static JsonNode manifest;
  static JsonNode config;

  @BeforeAll
  static void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("stickypool.image"));
    assertThat(archive).as("run make image first").exists();
    layout = Files.createDirectory(dir.resolve("layout"));
    run(List.of("tar", "-xf", archive.toAbsolutePath().toString(), "-C", layout.toString()));
    index = JSON.readTree(layout.resolve("index.json").toFile());
    manifest = JSON.readTree(blob(index.at("/manifests/0/digest").asText()).toFile());
    config = JSON.readTree(blob(manifest.at("/config/digest").asText()).toFile());
    rootfs = Files.createDirectory(dir.resolve("rootfs"));
    for (JsonNode layer : manifest.get("layers")) {
      run(List.of("tar", "-xzf", blob(layer.get("digest").asText()).toString(), "-C", rootfs.toString()));
    }
    // Where the runtime mounts its devices (the image, as most, ships no /dev of its own).
    Files.createDirectories(rootfs.resolve("dev"));
  }

  @Test
  void isAnOciLayoutWhoseBlobsMatchTheirDigests() throws Exception {
    assertThat(Files.readString(layout.resolve("oci-layout"))).contains("\"imageLayoutVersion\"");
    assertThat(index.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
    assertThat(index.get("manifests")).hasSize(1);
    assertThat(index.at("/manifests/0/annotations/org.opencontainers.image.ref.name").asText())
        .startsWith("ghcr.io/stickypool/stickypool:").doesNotEndWith(":latest");
    assertThat(manifest.get("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
    List<String> layers = new ArrayList<>();
    manifest.get("layers").forEach(l -> layers.add(l.get("digest").asText()));
    assertThat(layers).as("base, runtime, app (and cds)").hasSizeBetween(3, 4);
    assertThat(config.at("/rootfs/diff_ids")).hasSize(layers.size());
    for (String digest : concat(layers, manifest.at("/config/digest").asText(), index.at("/manifests/0/digest").asText())) {
      assertThat("sha256:" + sha256(blob(digest))).as("blob %s", digest).isEqualTo(digest);
    }
  }

  @Test
  void configRunsTheJarAsUser10001WithTheOciLabels() {
    assertThat(config.get("os").asText()).isEqualTo("linux");
    assertThat(config.get("architecture").asText()).isEqualTo("amd64");
    JsonNode c = config.get("config");
    assertThat(c.get("User").asText()).isEqualTo(USER);
    List<String> entrypoint = strings(c.get("Entrypoint"));
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size())).containsExactly("-jar", JAR);
    assertThat(entrypoint).contains("-XX:SharedArchiveFile=/app/stickypool.jsa", "-XX:MaxRAMPercentage=75",
        "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", "-XX:+UseSerialGC");
    assertThat(strings(c.get("Cmd"))).containsExactly("operator");
    Map<String, String> labels = JSON.convertValue(c.get("Labels"), JSON.getTypeFactory()
        .constructMapType(TreeMap.class, String.class, String.class));
    assertThat(labels).containsEntry("org.opencontainers.image.title", "stickypool")
        .containsEntry("org.opencontainers.image.source", "https://github.com/stickypool/stickypool")
        .containsKeys("org.opencontainers.image.version", "org.opencontainers.image.description",
            "io.stickypool.image.base");
    assertThat(labels.get("org.opencontainers.image.revision")).matches("[0-9a-f]{40}(-dirty)?");
    assertThat(labels.get("org.opencontainers.image.created")).isEqualTo(config.get("created").asText());
    assertThat(labels.get("io.stickypool.image.base")).contains("libc6=", "zlib1g=", "jlink");
  }

  @Test
  void filesSayWhereEveryByteCameFromAndTheRuntimeCannotRewriteItsCode() throws IOException {
    List<String> sources = Files.readAllLines(rootfs.resolve("usr/share/stickypool/image-sources.txt"));
    assertThat(sources).filteredOn(l -> l.startsWith("debian "))
        .extracting(l -> l.split(" ")[1]).containsExactlyInAnyOrder("libc6", "libgcc-s1", "libstdc++6", "zlib1g");
    assertThat(sources).filteredOn(l -> l.startsWith("debian ")).allSatisfy(l -> assertThat(l).matches(
        "debian \\S+ \\S+ amd64 [0-9a-f]{64}"));
    assertThat(sources).anySatisfy(l -> assertThat(l).startsWith("jlink ").contains("java.base", "jdk.crypto.ec"));
    assertThat(sources).anySatisfy(l -> assertThat(l)
        .isEqualTo("app " + JAR + " " + sha256(rootfs.resolve(JAR.substring(1)))));
    assertThat(Files.readAllLines(rootfs.resolve("etc/passwd"))).anySatisfy(l -> assertThat(l).contains(":10001:10001:"));
    assertThat(Files.getOwner(rootfs.resolve(JAR.substring(1))).getName()).isEqualTo("root");
    assertThat(Files.getPosixFilePermissions(rootfs.resolve(JAR.substring(1))))
        .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    assertThat(Files.getPosixFilePermissions(rootfs.resolve("tmp"))).contains(PosixFilePermission.OTHERS_WRITE);
  }

  @Test
  void entrypointPrintsTheVersionAsUser10001WithTheAppCdsArchiveMapped() throws Exception {
    boolean cds = Files.exists(rootfs.resolve("app/stickypool.jsa"));
    // -Xshare:on makes a JVM that cannot map the archives fail instead of starting without them.
    Process p = inImage(List.of("--version"), cds ? Map.of("JDK_JAVA_OPTIONS", "-Xshare:on") : Map.of());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    String version = config.at("/config/Labels/org.opencontainers.image.version").asText();
    assertThat(out).contains("stickypool " + version).contains("Java 17.");
  }

  @Test
  void proxyStartsInTheImageAndAnswersReadyz() throws Exception {
    proxyServesInTheImage(Map.of());
  }

  /** As the operator injects it: the sidecar container's JAVA_TOOL_OPTIONS on top of the entrypoint's. */
  @Test
  void proxyServesInTheImageWithTheSidecarsJvmFlags() throws Exception {
    Container sidecar = SidecarModel.sidecar(new PoolIdentity("web", "shop", "uid-1", 1L),
        new EffectiveProxy(1, 8081, ServiceType.ClusterIP, "image", null), true).container();
    String flags = sidecar.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
        .findFirst().orElseThrow().getValue();
    String out = proxyServesInTheImage(Map.of("JAVA_TOOL_OPTIONS", flags));
    assertThat(out).contains("Picked up JAVA_TOOL_OPTIONS: " + flags).doesNotContainIgnoringCase("warning:");
  }

  /** Starts the proxy in the image, checks it serves, stops it; returns what it printed. */
  private String proxyServesInTheImage(Map<String, String> env) throws Exception {
    int port = freePort();
    int admin = freePort();
    Process proxy = inImage(List.of("proxy", "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + admin,
        "--backend", "self=127.0.0.1:" + admin), env);
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/readyz"))
          .timeout(Duration.ofSeconds(2)).build();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
          assertThat(client.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200));
      HttpRequest through = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
          .timeout(Duration.ofSeconds(5)).build();
      HttpResponse<Void> proxied = client.send(through, HttpResponse.BodyHandlers.discarding());
      assertThat(proxied.statusCode()).as("proxied to its own admin port").isEqualTo(200);
      assertThat(proxied.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c).startsWith("stickypool="));
    } finally {
      proxy.toHandle().destroy(); // SIGTERM, leaving the output readable (Process.destroy closes it)
      assertThat(proxy.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
    return new String(proxy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /**
   * The image's entrypoint with {@code args}, as its user, with its environment (plus {@code env}),
   * chrooted into the unpacked layers with a /proc of a mount namespace that ends with it.
   */
  private static Process inImage(List<String> args, Map<String, String> env) throws IOException {
    JsonNode c = config.get("config");
    // Host tools by absolute path: the child's PATH is the image's. The devices are the ones every
    // OCI runtime provides; without /dev/urandom the JVM seeds SecureRandom from thread timing,
    // which took 8 s here and is nothing a pod would see.
    String mount = host("mount");
    String devices = String.join(" && ", List.of(
        mount + " -t tmpfs -o mode=755 tmpfs \"$0/dev\"",
        "for d in null zero random urandom; do " + host("touch") + " \"$0/dev/$d\" && "
            + mount + " --bind \"/dev/$d\" \"$0/dev/$d\" || exit 1; done"));
    List<String> command = new ArrayList<>(List.of(host("unshare"), "--mount", host("bash"), "-c",
        mount + " -t proc proc \"$0/proc\" && " + devices + " && exec " + host("chroot")
            + " --userspec=\"$1\" \"$0\" \"${@:2}\"",
        rootfs.toString(), c.get("User").asText()));
    command.addAll(strings(c.get("Entrypoint")));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().clear();
    for (String kv : strings(c.get("Env"))) {
      pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    pb.environment().putAll(env);
    pb.directory(rootfs.toFile());
    return pb.start();
  }

  private static String host(String tool) {
    return java.util.Arrays.stream(System.getenv("PATH").split(":")).map(d -> Path.of(d, tool))
        .filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(tool + " not on the PATH"))
        .toString();
  }

  private static Path blob(String digest) {
    return layout.resolve("blobs").resolve(digest.replace(':', '/'));
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> out = new ArrayList<>(head);
    out.addAll(List.of(tail));
    return out;
  }
}
