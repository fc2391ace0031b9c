package io.stickypool.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.stickypool.operator.OperatorSettings;
import io.stickypool.operator.StickyPoolOperator;
import io.stickypool.operator.apply.OwnedObjectWriter;
import io.stickypool.testing.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands the demo and the README tell users to run, with the real kubectl, against the
 * embedded API of {@code make demo ARGS=--keep}: they must behave as on a real API server.
 */
class KubectlLikeARealServerMockServerTest {
  private static final String POOL = "samples/pool-cookie.yaml";
  private static final String BACKEND = "src/test/resources/sandbox/web-backend.yaml";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private EmbeddedKubernetesApi api;
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private Kubectl kubectl;

  @BeforeEach
  void start() throws Exception {
    api = EmbeddedKubernetesApi.start();
    operator.start(api.client(), OperatorSettings.builder("ghcr.io/stickypool/stickypool:0.1.0")
        .writeMethod(OwnedObjectWriter.Method.MERGE_PATCH).build());
    kubectl = new Kubectl(Kubectl.built(), api.writeKubeconfig(tmp.resolve("kubeconfig")), tmp);
  }

  @AfterEach
  void stop() {
    operator.stop();
    api.close();
  }

  @Test
  void getWatchStreamsPoolsAndTheirEventsOverPlainHttp() throws Exception {
    try (Kubectl.Background sp = kubectl.start("get", "sp", "-w", "--request-timeout=60s");
        Kubectl.Background events = kubectl.start("get", "events", "-w",
            "--field-selector", "involvedObject.kind=StickyPool", "--request-timeout=60s")) {
      kubectl.ok("apply", "-f", BACKEND);
      kubectl.ok("apply", "-f", POOL);

      await("get sp -w shows the pool Ready with 3 backends").atMost(WAIT).pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(sp.output()).containsPattern("(?m)^web\\s+\\S+\\s+3\\s+True"));
      await("get events -w shows the pool's Events").atMost(WAIT).pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(events.output())
              .containsPattern("BackendAdded\\s+web\\s+Backend web-0 added: a new ready endpoint"));
      assertThat(sp.isAlive()).as("the watch runs until stopped: %s", sp.output()).isTrue();
      assertThat(events.isAlive()).as("the watch runs until stopped: %s", events.output()).isTrue();
      assertThat(events.output()).as("only the StickyPool's Events").doesNotContain("error", "rejected");
    }
  }

  @Test
  void fieldSelectorsOnEventsSelect() throws Exception {
    kubectl.ok("apply", "-f", BACKEND);
    kubectl.ok("apply", "-f", POOL);
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(kubectl.ok("get", "events")).contains("BackendAdded"));
    api.client().v1().events().inNamespace("default").resource(new EventBuilder().withNewMetadata()
        .withName("web.warning").endMetadata().withType("Warning").withReason("RoutesStale")
        .withMessage("a made-up warning").withNewInvolvedObject().withKind("StickyPool").withName("web")
        .withNamespace("default").endInvolvedObject().build()).create();

    assertThat(kubectl.ok("get", "events", "--field-selector", "type=Warning"))
        .contains("RoutesStale", "a made-up warning").doesNotContain("BackendAdded");
    assertThat(kubectl.ok("get", "events", "--field-selector", "involvedObject.kind=StickyPool,type!=Warning"))
        .contains("BackendAdded").doesNotContain("RoutesStale");
    assertThat(kubectl.ok("get", "events", "--field-selector", "involvedObject.kind=Deployment"))
        .contains("No resources found");
  }

  @Test
  void applyValidatesAgainstTheCrdAndExplainDescribesIt() throws Exception {
    assertThat(kubectl.ok("apply", "-f", BACKEND)).contains("service/web created");
    assertThat(kubectl.ok("apply", "-f", POOL)).contains("stickypool.stickypool.io/web created");
    assertThat(kubectl.ok("explain", "sp.spec.drain.drainTimeout")).contains("drainTimeout", "string");
    Path typo = tmp.resolve("typo.yaml");
    Files.writeString(typo, Files.readString(Path.of(POOL)).replace("service: web", "servce: web"));
    Kubectl.Result unknown = kubectl.run("apply", "-f", typo.toString());
    assertThat(unknown.exit()).as(unknown.output()).isNotZero();
    assertThat(unknown.output()).contains("servce");
  }

  @Test
  void aBadEnumIsRefusedWithTheFieldPathAndNeverStored() throws Exception {
    kubectl.ok("apply", "-f", BACKEND);
    kubectl.ok("apply", "-f", POOL);
    Kubectl.Result bad = kubectl.run("patch", "sp", "web", "--type=merge", "-p",
        "{\"spec\":{\"affinity\":{\"type\":\"Bogus\"}}}");
    assertThat(bad.exit()).as(bad.output()).isNotZero();
    assertThat(bad.output()).contains("is invalid", "spec.affinity.type", "Unsupported value: \"Bogus\"");
    assertThat(kubectl.ok("get", "sp", "web", "-o", "jsonpath={.spec.affinity.type}")).isNotEqualTo("Bogus");
    Kubectl.Result edited = kubectl.run("patch", "sp", "web", "--type=json", "-p",
        "[{\"op\":\"add\",\"path\":\"/spec/drain\",\"value\":{\"drainTimeout\":\"soon\"}}]");
    assertThat(edited.exit()).as(edited.output()).isNotZero();
    assertThat(edited.output()).contains("spec.drain.drainTimeout");
    assertThat(kubectl.ok("get", "sp", "web", "-o", "jsonpath={.spec.drain}")).doesNotContain("soon");
  }

  @Test
  void serverDryRunAndDiffLeaveTheObjectUnchanged() throws Exception {
    kubectl.ok("apply", "-f", BACKEND);
    kubectl.ok("apply", "-f", POOL);
    // The operator writes status and finalizers meanwhile, so the spec is what must stay put.
    String before = kubectl.ok("get", "sp", "web", "-o", "jsonpath={.metadata.uid} {.spec}");
    Path edited = tmp.resolve("pool.yaml");
    Files.writeString(edited, Files.readString(Path.of(POOL)) + "  drain:\n    drainTimeout: 42s\n");

    Kubectl.Result diff = kubectl.run("diff", "-f", edited.toString());
    assertThat(diff.exit()).as("1: differences found: %s", diff.output()).isEqualTo(1);
    assertThat(diff.output()).contains("+    drainTimeout: 42s");
    assertThat(kubectl.ok("apply", "--dry-run=server", "-f", edited.toString())).contains("configured (server dry run)");
    assertThat(kubectl.ok("delete", "sp", "web", "--dry-run=server")).contains("\"web\" deleted", "(server dry run)");
    assertThat(kubectl.ok("get", "sp", "web", "-o", "jsonpath={.metadata.uid} {.spec}"))
        .as("nothing was applied, nothing deleted").isEqualTo(before).doesNotContain("42s");
  }
}
