package io.stickypool.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validates pools against the generated schema and its CEL rules, as the API server would.
 * Invalid pools state the rule they break in their first line, {@code # rejected: <message>};
 * every CEL rule in the CRD must be broken by at least one of them, so a new rule cannot land
 * without a test that shows it firing.
 */
class StickyPoolSchemaTest {
  private static final Path SAMPLES = Path.of("samples");
  private static final Path INVALID = Path.of("src/test/resources/invalid-pools");
  private static final Path VALID = Path.of("src/test/resources/valid-pools");
  private static final String REJECTED = "# rejected: ";

  private final SchemaValidator validator = new SchemaValidator(GeneratedCrd.openApiSchema());

  static Stream<Path> validPools() {
    return Stream.concat(list(SAMPLES, "pool-"), list(VALID, ""));
  }

  static Stream<Path> invalidPools() {
    return list(INVALID, "");
  }

  @ParameterizedTest
  @MethodSource("validPools")
  void acceptsValidPool(Path file) {
    assertThat(validator.validate(read(file))).as(file.toString()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("invalidPools")
  void rejectsInvalidPoolNamingTheRule(Path file) {
    assertThat(validator.validate(read(file)))
        .as(file.toString())
        .anySatisfy(error -> assertThat(error).contains(expectedMessage(file)));
  }

  @Test
  void everyCelRuleIsBrokenBySomeInvalidPool() {
    Set<String> shown = invalidPools().map(StickyPoolSchemaTest::expectedMessage)
        .collect(Collectors.toSet());
    Set<String> ruleMessages = GeneratedCrd.celRules().stream().map(Map.Entry::getValue)
        .collect(Collectors.toSet());
    assertThat(shown).containsAll(ruleMessages);
  }

  @Test
  void celMessagesAreUnique() {
    List<String> messages = GeneratedCrd.celRules().stream().map(Map.Entry::getValue).toList();
    assertThat(new HashSet<>(messages)).hasSameSizeAs(messages);
  }

  @Test
  void defaultsAnOmittedAffinityToASessionCookie() {
    JsonNode pool = read(SAMPLES.resolve("pool-cookie.yaml"));
    validator.validate(pool);
    JsonNode spec = pool.get("spec");
    assertThat(spec.at("/affinity/type").asText()).isEqualTo("Cookie");
    assertThat(spec.at("/placement/boundedLoadFactor").asDouble()).isEqualTo(1.25);
    assertThat(spec.at("/drain/drainTimeout").asText()).isEqualTo("300s");
    assertThat(spec.at("/proxy/replicas").asInt()).isEqualTo(2);
    assertThat(spec.at("/proxy/mode").asText()).isEqualTo("Deployment");
  }

  @Test
  void samplesShowEveryAffinityTypeSidecarModeAndDrainTuning() {
    assertThat(list(SAMPLES, "pool-").map(p -> p.getFileName().toString()))
        .contains("pool-cookie.yaml", "pool-header.yaml", "pool-client-ip.yaml",
            "pool-app-cookie.yaml", "pool-sidecar.yaml", "pool-drain-tuned.yaml");
    List<JsonNode> specs = list(SAMPLES, "pool-").map(StickyPoolSchemaTest::read)
        .peek(validator::validate).map(pool -> pool.get("spec")).toList();
    assertThat(specs).extracting(spec -> spec.at("/affinity/type").asText())
        .containsAll(Stream.of(AffinityType.values()).map(Enum::name).toList());
    assertThat(specs).extracting(spec -> spec.at("/proxy/mode").asText())
        .contains(ProxyMode.Sidecar.name(), ProxyMode.Deployment.name());
    assertThat(list(SAMPLES, "pool-").map(StickyPoolSchemaTest::read))
        .as("a sample that sets every drain field itself, before defaulting")
        .anySatisfy(pool -> assertThat(pool.at("/spec/drain").properties()).hasSize(3));
  }

  private static String expectedMessage(Path file) {
    try {
      String first = Files.readAllLines(file).get(0);
      assertThat(first).as(file + " must start with '" + REJECTED + "...'").startsWith(REJECTED);
      return first.substring(REJECTED.length()).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(Path file) {
    try {
      return GeneratedCrd.YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Stream<Path> list(Path dir, String prefix) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> pools = files
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> p.getFileName().toString().endsWith(".yaml"))
          .sorted()
          .toList();
      assertThat(pools).as("pools in " + dir).isNotEmpty();
      return pools.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
