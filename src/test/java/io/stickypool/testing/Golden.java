package io.stickypool.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Golden-file assertions for rendered text (snapshot JSON, Deployment YAML). A golden file holds the
 * expected output byte for byte under {@code src/test/resources/golden/}.
 *
 * <p>To accept new output after an intended change, run the tests with {@code -Dgolden.update=true}:
 * each assertion then rewrites its file instead of comparing, and the diff is reviewed in git, e.g.
 * {@code mvn -o test -Dtest='RoutingSnapshotGoldenTest' -Dgolden.update=true && git diff}.
 */
public final class Golden {
  private static final Path ROOT = Path.of("src", "test", "resources", "golden");

  private Golden() {}

  /**
   * Asserts that {@code actual} equals the golden file at {@code relativePath} (under {@code
   * src/test/resources/golden/}) byte for byte, or rewrites the file when golden.update is set.
   */
  public static void assertMatches(String relativePath, String actual) {
    Path file = root().resolve(relativePath);
    byte[] actualBytes = actual.getBytes(StandardCharsets.UTF_8);
    if (Boolean.getBoolean("golden.update")) {
      write(file, actualBytes);
      return;
    }
    if (!Files.exists(file)) {
      fail("golden file " + file + " does not exist; create it with -Dgolden.update=true");
    }
    byte[] expected = read(file);
    if (!Arrays.equals(expected, actualBytes)) {
      assertEquals(
          new String(expected, StandardCharsets.UTF_8), actual,
          "output differs from " + file + "; if the change is intended, rerun with"
              + " -Dgolden.update=true and review the diff");
      fail("output differs from " + file + " in bytes that decode equal (encoding?)");
    }
  }

  /** The golden file's text, for tests that also parse it back. */
  public static String read(String relativePath) {
    return new String(read(root().resolve(relativePath)), StandardCharsets.UTF_8);
  }

  /** Surefire runs tests in the module directory and also passes it as {@code basedir}. */
  private static Path root() {
    String basedir = System.getProperty("basedir");
    return basedir == null ? ROOT : Path.of(basedir).resolve(ROOT);
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
