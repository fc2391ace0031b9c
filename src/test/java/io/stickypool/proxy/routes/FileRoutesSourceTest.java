package io.stickypool.proxy.routes;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.config.ProxyConfigLoader;
import io.stickypool.testing.RecordingRoutesListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRoutesSourceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @TempDir Path dir;
  private final RecordingRoutesListener recorder = new RecordingRoutesListener();
  private FileRoutesSource source;

  @AfterEach
  void closeSource() {
    if (source != null) {
      source.close();
    }
  }

  private static String config(String... backendIds) {
    StringBuilder yaml = new StringBuilder("backends:\n");
    int port = 18081;
    for (String id : backendIds) {
      yaml.append("  - {id: ").append(id).append(", host: 127.0.0.1, port: ").append(port++)
          .append("}\n");
    }
    return yaml.append("proxy:\n  listen: 127.0.0.1:8080\n").toString();
  }

  private Path start(String content) throws Exception {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, content);
    source = new FileRoutesSource(file);
    source.start(recorder);
    return file;
  }

  private void awaitRoutes(int count) {
    await().atMost(TIMEOUT).until(() -> recorder.routes.size() == count);
  }

  @Test
  void deliversTheInitialSnapshotBeforeStartReturns() throws Exception {
    Path file = start(config("a", "b"));

    assertThat(recorder.routes).singleElement()
        .satisfies(s -> assertThat(s.backends()).hasSize(2));
    assertThat(recorder.origins).containsOnly("file:" + file.toAbsolutePath());
    assertThat(source.describe()).isEqualTo("file:" + file.toAbsolutePath());
  }

  @Test
  void appliesAnEditInPlaceWithANewerVersion() throws Exception {
    Path file = start(config("a"));

    Files.writeString(file, config("a", "b"));

    awaitRoutes(2);
    assertThat(recorder.last().backends()).hasSize(2);
    assertThat(recorder.last().version()).isGreaterThan(recorder.routes.get(0).version());
  }

  @Test
  void reportsAnInvalidEditWithFieldAndLineThenAppliesTheFix() throws Exception {
    Path file = start(config("a"));

    Files.writeString(file, config("a").replace("port: 18081", "port: 70000"));

    await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
    assertThat(recorder.errors.get(0))
        .isEqualTo("backends[0].port: 70000 is not 1..65535 (line 2, column 36)");
    assertThat(recorder.routes).hasSize(1);

    Files.writeString(file, config("a", "c"));

    awaitRoutes(2);
    assertThat(recorder.last().backends()).hasSize(2);
  }

  @Test
  void appliesAFileReplacedByRename() throws Exception {
    Path file = start(config("a"));
    Path written = dir.resolve(".proxy.yaml.swp");

    Files.writeString(written, config("a", "b", "c"));
    Files.move(written, file, ATOMIC_MOVE, REPLACE_EXISTING);

    awaitRoutes(2);
    assertThat(recorder.last().backends()).hasSize(3);
  }

  @Test
  void appliesAConfigMapStyleSymlinkSwap() throws Exception {
    Files.createDirectory(dir.resolve("..v1"));
    Files.writeString(dir.resolve("..v1/proxy.yaml"), config("a"));
    Files.createSymbolicLink(dir.resolve("..data"), Path.of("..v1"));
    Path file = dir.resolve("proxy.yaml");
    Files.createSymbolicLink(file, Path.of("..data/proxy.yaml"));
    source = new FileRoutesSource(file);
    source.start(recorder);

    Files.createDirectory(dir.resolve("..v2"));
    Files.writeString(dir.resolve("..v2/proxy.yaml"), config("a", "b"));
    Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..v2"));
    Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), ATOMIC_MOVE, REPLACE_EXISTING);

    awaitRoutes(2);
    assertThat(recorder.last().backends()).hasSize(2);
  }

  @Test
  void numbersEditsThatDoNotRaiseTheFilesVersion() throws Exception {
    Path file = start("version: 7\n" + config("a"));
    assertThat(recorder.last().version()).isEqualTo(7);

    Files.writeString(file, "version: 7\n" + config("a", "b"));
    awaitRoutes(2);
    assertThat(recorder.last().version()).isEqualTo(8);

    Files.writeString(file, "version: 20\n" + config("a"));
    awaitRoutes(3);
    assertThat(recorder.last().version()).isEqualTo(20);

    Files.writeString(file, config("b"));
    awaitRoutes(4);
    assertThat(recorder.last().version()).isEqualTo(21);
  }

  @Test
  void skipsAnEditThatLeavesTheRoutesAsTheyWere() throws Exception {
    Path file = start(config("a"));

    Files.writeString(file, "# only a comment\n" + config("a"));
    await().during(Duration.ofMillis(400)).atMost(TIMEOUT).until(() -> recorder.routes.size() == 1);
    Files.writeString(file, config("a", "b"));

    awaitRoutes(2);
    assertThat(recorder.routes).extracting(s -> s.backends().size()).containsExactly(1, 2);
  }

  @Test
  void reportsAMissingFileAndAppliesItWhenItComesBack() throws Exception {
    Path file = start(config("a"));

    Files.delete(file);
    await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
    assertThat(recorder.errors.get(0)).startsWith("cannot read " + file.toAbsolutePath());

    Files.writeString(file, config("a", "b"));
    awaitRoutes(2);
  }

  @Test
  void deliversTheSameRoutesAgainWhenABadEditIsReverted() throws Exception {
    Path file = start(config("a"));

    Files.writeString(file, config("a").replace("port: 18081", "port: 70000"));
    await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
    Files.writeString(file, config("a"));

    awaitRoutes(2);
    assertThat(recorder.last()).isEqualTo(recorder.routes.get(0));
  }

  @Test
  void deliversTheSameRoutesAgainWhenAMissingFileComesBackUnchanged() throws Exception {
    Path file = start(config("a"));

    Files.delete(file);
    await().atMost(TIMEOUT).until(() -> !recorder.errors.isEmpty());
    Files.writeString(file, config("a"));

    awaitRoutes(2);
    assertThat(recorder.last()).isEqualTo(recorder.routes.get(0));
    Files.writeString(file, "# a comment\n" + config("a"));
    await().during(Duration.ofMillis(400)).atMost(TIMEOUT).until(() -> recorder.routes.size() == 2);
  }

  @Test
  void deliversNothingAfterClose() throws Exception {
    Path file = start(config("a"));

    source.close();
    Files.writeString(file, config("a", "b"));

    await().during(Duration.ofMillis(1300)).atMost(TIMEOUT)
        .until(() -> recorder.routes.size() == 1 && recorder.errors.isEmpty());
  }

  @Test
  void namesTheProxySettingsThatNeedARestart() throws Exception {
    ProxyConfig before = ProxyConfigLoader.parse(config("a"), dir);
    ProxyConfig after = ProxyConfigLoader.parse(config("b").replace("127.0.0.1:8080",
        "127.0.0.1:8081\n  workerThreads: 2\n  limits: {headerTimeout: 5s}"), dir);

    assertThat(RestartOnlySettings.changes(before, after))
        .containsExactly("listen", "limits", "workerThreads");
    assertThat(RestartOnlySettings.changes(before, before)).isEmpty();
  }
}
