package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's Dockerfile keeps the contract the operator's pods rely on (ProxyDeploymentModel:
 * entrypoint jar, uid, /tmp as the only writable path), and its build script fails fast and says
 * why where it cannot build.
 */
class ContainerImageTest {
  private static final Path DOCKERFILE = Path.of("deploy/image/Dockerfile");
  private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
  private static final Pattern EXACT_TEMURIN_TAG =
      Pattern.compile(":17\\.0\\.\\d+(\\.\\d+)?_\\d+-jre-[a-z]+@sha256:[0-9a-f]{64}");

  @Test
  void baseImageIsPinnedToAnExactTagAndDigest() throws IOException {
    List<String> bases = FROM.matcher(dockerfile()).results().map(m -> m.group(1)).toList();
    assertThat(bases).singleElement().satisfies(base -> {
      assertThat(base).doesNotContain("latest");
      assertThat(EXACT_TEMURIN_TAG.matcher(base).find()).as(base).isTrue();
    });
    assertThat(dockerfile()).as("the OCI labels name the same base")
        .contains("org.opencontainers.image.base.digest=\"" + bases.get(0).replaceAll(".*@", "") + "\"");
  }

  @Test
  void runsAsTheNumericNonRootUserThePodsExpect() throws IOException {
    Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile());
    assertThat(user.find()).as("a USER line").isTrue();
    assertThat(user.group(1)).matches("\\d+:\\d+");
    long uid = Long.parseLong(user.group(1).split(":")[0]);
    assertThat(uid).isNotZero().isEqualTo(ProxyDeploymentModel.RUN_AS_USER);
  }

  @Test
  void entrypointRunsTheJarThePodsPassSubcommandsTo() throws IOException {
    List<String> entrypoint = jsonArray("ENTRYPOINT");
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()))
        .containsExactly("-jar", "/app/stickypool.jar");
    assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError",
        "-Djava.io.tmpdir=/tmp", "-XX:+UseSerialGC");
    assertThat(dockerfile()).containsPattern("(?m)^COPY\\s+target/stickypool\\.jar\\s+/app/stickypool\\.jar$");
    assertThat(jsonArray("CMD")).containsExactly("operator");
  }

  @Test
  void entrypointMapsTheAppCdsArchiveTheImageBuildsForItsOwnJvm() throws IOException {
    assertThat(jsonArray("ENTRYPOINT")).contains("-XX:SharedArchiveFile=/app/stickypool.jsa");
    assertThat(dockerfile()).containsPattern(
        "(?m)^RUN\\s+bash\\s+/tmp/build-cds\\.sh\\s+/app/stickypool\\.jar\\s+/app/stickypool\\.jsa\\b");
  }

  @Test
  void buildScriptFailsAtOnceWithoutDockerOrPodman(@TempDir Path bin) throws Exception {
    // A PATH with bash and what the script needs before its first check, and no container engine.
    for (String tool : List.of("bash", "dirname")) {
      Files.copy(which(tool), bin.resolve(tool), StandardCopyOption.COPY_ATTRIBUTES);
    }
    ProcessBuilder pb = new ProcessBuilder(which("bash").toString(), "scripts/build-image.sh")
        .redirectErrorStream(true);
    pb.environment().put("PATH", bin.toString());
    pb.environment().remove("CONTAINER_ENGINE");
    Process process = pb.start();

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits without waiting on anything").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isNotZero();
    assertThat(output).contains("neither docker nor podman is installed");
  }

  private static String dockerfile() throws IOException {
    return Files.readString(DOCKERFILE);
  }

  /** The exec-form array of an instruction, e.g. {@code ENTRYPOINT ["java", "-jar", "x.jar"]}. */
  private static List<String> jsonArray(String instruction) throws IOException {
    Matcher m = Pattern.compile("(?m)^" + instruction + "\\s+\\[(.*)]\\s*$").matcher(dockerfile());
    assertThat(m.find()).as(instruction + " in exec form").isTrue();
    return Arrays.stream(m.group(1).split(",")).map(String::trim)
        .map(s -> s.replaceAll("^\"|\"$", "")).toList();
  }

  private static Path which(String tool) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .map(dir -> Path.of(dir, tool)).filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new AssertionError(tool + " not on the PATH"));
  }
}
