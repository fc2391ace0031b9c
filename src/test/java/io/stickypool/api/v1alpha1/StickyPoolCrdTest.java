package io.stickypool.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generated CRD carries the names, columns and rules kubectl and the API server rely on. */
class StickyPoolCrdTest {
  private final CustomResourceDefinition crd =
      new KubernetesSerialization().unmarshal(
          GeneratedCrd.class.getResourceAsStream(GeneratedCrd.RESOURCE),
          CustomResourceDefinition.class);

  @Test
  void namesTheResourceInTheStickypoolGroup() {
    assertThat(crd.getMetadata().getName()).isEqualTo("stickypools.stickypool.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo("stickypool.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("StickyPool");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("stickypools");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactlyInAnyOrder("sp", "spool");
  }

  @Test
  void servesOneStoredVersionWithAStatusSubresource() {
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getServed()).isTrue();
    assertThat(version.getStorage()).isTrue();
    assertThat(version.getSubresources().getStatus()).isNotNull();
  }

  @Test
  void printsBackendsSessionsReadyAndAge() {
    CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(c -> c.getName() + "=" + c.getJsonPath())
        .containsExactlyInAnyOrder(
            "Backends=.status.backendCount",
            "Sessions=.status.sessions",
            "Ready=.status.conditions[?(@.type==\"Ready\")].status",
            "Age=.metadata.creationTimestamp");
  }

  @Test
  void carriesTheUnionRulesAsCelValidations() {
    assertThat(GeneratedCrd.celRules())
        .extracting(Map.Entry::getValue)
        .contains(
            "header must be set when type is Header",
            "header may be set only when type is Header",
            "appCookie must be set when type is AppCookie",
            "absoluteTimeout must be set when lifetimeType is Permanent",
            "secure must be true when sameSite is None",
            "targetRef must be set when mode is Sidecar",
            "port: exactly one of name or number must be set");
  }

  @Test
  void describesEverySpecAndStatusField() {
    List<String> undescribed = new ArrayList<>();
    JsonNode properties = GeneratedCrd.openApiSchema().path("properties");
    collectUndescribed(properties.path("spec"), "spec", undescribed);
    collectUndescribed(properties.path("status"), "status", undescribed);
    assertThat(undescribed).isEmpty();
  }

  /** Fields of Kubernetes' own types, whose inner fields carry upstream's descriptions (or none). */
  private static final java.util.Set<String> UPSTREAM_TYPES = java.util.Set.of(
      "spec.proxy.resources", "status.conditions", "spec.proxy.podTemplate.affinity",
      "spec.proxy.podTemplate.tolerations", "spec.proxy.podTemplate.topologySpreadConstraints",
      "spec.proxy.podTemplate.imagePullSecrets", "spec.proxy.podTemplate.securityContext.seccompProfile");

  /** Skips the inside of Kubernetes' own types (resources, conditions, ...): their descriptions are upstream's. */
  private static void collectUndescribed(JsonNode schema, String path, List<String> out) {
    schema.path("properties").fields().forEachRemaining(field -> {
      String child = path + "." + field.getKey();
      if (!field.getValue().has("description")) {
        out.add(child);
      }
      if (!UPSTREAM_TYPES.contains(child)) {
        collectUndescribed(field.getValue(), child, out);
        collectUndescribed(field.getValue().path("items"), child + "[]", out);
      }
    });
  }
}
