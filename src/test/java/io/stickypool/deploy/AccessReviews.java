package io.stickypool.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.operator.OperatorPermissions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the API server's authorizer lets a ServiceAccount do, asked with SubjectAccessReviews, and
 * what it refused, read from the audit log.
 */
final class AccessReviews {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AccessReviews() {}

  /** {@code system:serviceaccount:<namespace>:<name>}. */
  static String user(String namespace, String name) {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  /** The groups every token of a ServiceAccount of {@code namespace} carries. */
  static String[] groups(String namespace) {
    return new String[] {"system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated"};
  }

  /**
   * The grants of OperatorPermissions' {@code scope} that the account does NOT hold in {@code
   * namespace}, as {@code group resource verb}; empty when it holds them all.
   */
  static List<String> missing(KubernetesClient admin, String saNamespace, String saName,
      OperatorPermissions.Scope scope, String namespace) {
    List<String> missing = new ArrayList<>();
    for (OperatorPermissions.Rule rule : OperatorPermissions.rules(scope)) {
      for (String verb : rule.verbs()) {
        if (!allowed(admin, saNamespace, saName, namespace, rule, verb)) {
          missing.add(rule.apiGroup() + " " + rule.resource() + " " + verb);
        }
      }
    }
    return missing;
  }

  private static boolean allowed(KubernetesClient admin, String saNamespace, String saName, String namespace,
      OperatorPermissions.Rule rule, String verb) {
    String[] resource = rule.resource().split("/", 2);
    SubjectAccessReview review = admin.authorization().v1().subjectAccessReview().create(
        new SubjectAccessReviewBuilder().withNewSpec()
            .withUser(user(saNamespace, saName)).withGroups(groups(saNamespace))
            .withNewResourceAttributes().withNamespace(namespace).withGroup(rule.apiGroup())
            .withResource(resource[0]).withSubresource(resource.length > 1 ? resource[1] : null)
            .withVerb(verb).endResourceAttributes().endSpec().build());
    return Boolean.TRUE.equals(review.getStatus().getAllowed());
  }

  /** Every request made as (or impersonating) {@code user} that got a 403, as {@code verb URI}. */
  static List<String> refused(Path auditLog, String user) {
    List<String> refused = new ArrayList<>();
    try (var lines = Files.lines(auditLog)) {
      lines.map(AccessReviews::json)
          .filter(e -> user.equals(e.path("impersonatedUser").path("username").asText())
              || user.equals(e.path("user").path("username").asText()))
          .filter(e -> e.path("responseStatus").path("code").asInt() == 403)
          .forEach(e -> refused.add(e.path("verb").asText() + " " + e.path("requestURI").asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return refused;
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
