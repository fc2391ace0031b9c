package io.stickypool.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.IOException;
import java.io.InputStream;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD from {@code crds/} on a real API server, which is the only judge of what a user's
 * {@code kubectl apply} gets: the CRD installs, every sample and valid pool is accepted with strict
 * field validation (a typo in a sample is an unknown field, not a silent default), and every
 * invalid pool is refused by the server itself with the message its first line states
 * ({@code # rejected: <message>}). Every CEL rule of the CRD is broken by at least one invalid pool,
 * so a new rule cannot land without a fixture that shows it firing. Server-side dry runs: admission,
 * defaulting and validation run in full, nothing is stored.
 */
class StickyPoolCrdApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();

  private static final Path SAMPLES = Path.of("samples");
  private static final Path INVALID = Path.of("src/test/resources/invalid-pools");
  private static final Path VALID = Path.of("src/test/resources/valid-pools");
  private static final String REJECTED = "# rejected: ";

  static Stream<Path> validPools() {
    return Stream.concat(list(SAMPLES, "pool-"), list(VALID, ""));
  }

  static Stream<Path> invalidPools() {
    return list(INVALID, "");
  }

  @ParameterizedTest
  @MethodSource("validPools")
  void acceptsEveryValidPool(Path file) {
    assertThat(dryRunCreate(file).getMetadata().getUid()).isNotBlank();
  }

  @ParameterizedTest
  @MethodSource("invalidPools")
  void refusesEveryInvalidPoolWithItsRule(Path file) {
    KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class, () -> dryRunCreate(file));
    assertThat(refused).as(file + " was accepted").isNotNull();
    assertThat(refused.getCode()).isEqualTo(422);
    assertThat(refused.getStatus().getMessage()).contains(expectedMessage(file));
  }

  @Test
  void everyCelRuleIsBrokenBySomeInvalidPool() {
    Set<String> shown = invalidPools().map(StickyPoolCrdApiServerTest::expectedMessage).collect(Collectors.toSet());
    List<String> ruleMessages = GeneratedCrd.celRules().stream().map(Map.Entry::getValue).toList();
    assertThat(new HashSet<>(ruleMessages)).as("CEL messages are unique").hasSameSizeAs(ruleMessages);
    assertThat(shown).containsAll(ruleMessages);
  }

  @Test
  void defaultsAnOmittedAffinityToASessionCookie() {
    Map<String, Object> spec = spec(dryRunCreate(SAMPLES.resolve("pool-cookie.yaml")));
    assertThat(at(spec, "affinity", "type")).isEqualTo("Cookie");
    assertThat(at(spec, "placement", "boundedLoadFactor")).isEqualTo(1.25);
    assertThat(at(spec, "drain", "drainTimeout")).isEqualTo("300s");
    assertThat(at(spec, "proxy", "replicas")).as("left unset: the Deployment's scaler owns it").isNull();
    assertThat(at(spec, "proxy", "mode")).isEqualTo("Deployment");
  }

  @Test
  void samplesShowEveryAffinityTypeSidecarModeAndDrainTuning() {
    assertThat(list(SAMPLES, "pool-").map(p -> p.getFileName().toString()))
        .contains("pool-cookie.yaml", "pool-header.yaml", "pool-client-ip.yaml",
            "pool-app-cookie.yaml", "pool-sidecar.yaml", "pool-drain-tuned.yaml");
    List<Map<String, Object>> specs = list(SAMPLES, "pool-").map(f -> spec(dryRunCreate(f))).toList();
    assertThat(specs).extracting(spec -> at(spec, "affinity", "type"))
        .containsAll(Stream.of(AffinityType.values()).filter(t -> t != AffinityType.Unrecognized).map(Enum::name).toList());
    assertThat(specs).extracting(spec -> at(spec, "proxy", "mode"))
        .contains(ProxyMode.Sidecar.name(), ProxyMode.Deployment.name());
    assertThat(list(SAMPLES, "pool-").map(f -> spec(load(f))))
        .as("a sample that sets every drain field itself, before defaulting")
        .anySatisfy(spec -> assertThat((Map<?, ?>) spec.get("drain")).hasSize(3));
  }

  static String expectedMessage(Path file) {
    try {
      String first = Files.readAllLines(file).get(0);
      assertThat(first).as(file + " must start with '" + REJECTED + "...'").startsWith(REJECTED);
      return first.substring(REJECTED.length()).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GenericKubernetesResource dryRunCreate(Path file) {
    return pools().resource(load(file)).dryRun().fieldValidation(FieldValidateable.Validation.STRICT).create();
  }

  private static NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> pools() {
    return K8S.client().genericKubernetesResources("stickypool.io/v1alpha1", "StickyPool").inNamespace(K8S.namespace());
  }

  private static GenericKubernetesResource load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      GenericKubernetesResource r = K8S.client().getKubernetesSerialization().unmarshal(in, GenericKubernetesResource.class);
      r.getMetadata().setNamespace(K8S.namespace());
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource pool) {
    return (Map<String, Object>) pool.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Object at(Map<String, Object> spec, String object, String field) {
    Map<String, Object> o = (Map<String, Object>) spec.get(object);
    return o == null ? null : o.get(field);
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
