package io.stickypool.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stickypool.core.cookie.KeyRing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileSourceTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String SECRET_A = secret(0x11);
  private static final String SECRET_B = secret(0x22);

  @TempDir Path dir;
  private Path file;
  private KeyFileSource source;
  private final List<KeyRing> rings = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();

  private static String secret(int fill) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) fill);
    return Base64.getEncoder().encodeToString(b);
  }

  @BeforeEach
  void writeKeys() throws Exception {
    file = dir.resolve("keys.txt");
    Files.writeString(file, "1:" + SECRET_A + "\n");
    source = new KeyFileSource(file);
  }

  @AfterEach
  void closeSource() {
    source.close();
  }

  @Test
  void loadsTheRingAndDeliversNothingUntilTheFileChanges() throws Exception {
    KeyRing initial = source.load();
    source.watch(rings::add, errors::add);

    assertThat(initial.signingKey().id()).isEqualTo(1);
    assertThat(rings).isEmpty();
  }

  @Test
  void deliversARotatedRing() throws Exception {
    source.load();
    source.watch(rings::add, errors::add);

    Files.writeString(file, "1:" + SECRET_A + "\n2:" + SECRET_B + "\n");

    await().atMost(TIMEOUT).until(() -> !rings.isEmpty());
    assertThat(rings.get(0).signingKey().id()).isEqualTo(2);
    assertThat(rings.get(0).keys()).hasSize(2);
  }

  @Test
  void reportsInvalidContentWithoutKeyMaterialThenAppliesTheFix() throws Exception {
    source.load();
    source.watch(rings::add, errors::add);
    String shortSecret = Base64.getEncoder().encodeToString(new byte[8]);

    Files.writeString(file, "1:" + SECRET_A + "\n2:" + shortSecret + "\n");

    await().atMost(TIMEOUT).until(() -> !errors.isEmpty());
    assertThat(errors.get(0))
        .startsWith(file.toAbsolutePath() + ": key ring line 2: secret of key 2 has 8 bytes")
        .doesNotContain(SECRET_A, shortSecret);
    assertThat(rings).isEmpty();

    Path replacement = dir.resolve("keys.txt.new");
    Files.writeString(replacement, "2:" + SECRET_B + "\n");
    Files.move(replacement, file, StandardCopyOption.ATOMIC_MOVE);

    await().atMost(TIMEOUT).until(() -> !rings.isEmpty());
    assertThat(rings.get(0).keys()).singleElement().satisfies(k -> assertThat(k.id()).isEqualTo(2));
  }

  @Test
  void refusesAnInvalidFileAtLoadNamingTheFile() throws Exception {
    Files.writeString(file, "# no keys\n");

    assertThatThrownBy(source::load)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file.toAbsolutePath() + ": key ring text has no keys"
            + " (expected lines <id>:<base64 secret>)");
  }

  @Test
  void deliversNothingAfterClose() throws Exception {
    source.load();
    source.watch(rings::add, errors::add);

    source.close();
    Files.writeString(file, "2:" + SECRET_B + "\n");

    await().during(Duration.ofMillis(1300)).atMost(TIMEOUT)
        .until(() -> rings.isEmpty() && errors.isEmpty());
  }
}
