package io.stickypool.operator;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Every Kubernetes API permission the operator needs, each with why: the source the Helm chart's
 * ClusterRole (or per-namespace Roles) and Lease Role are checked against. {@code
 * OperatorRbacApiServerTest} runs the operator on a real API server as a ServiceAccount holding
 * exactly the chart's RBAC and fails on any refused request or any request these rules do not
 * grant; {@code HelmChartTest} fails when the chart grants anything else.
 */
public final class OperatorPermissions {

  /** Where a rule applies: the watched namespaces (or the cluster), or the Lease's namespace only. */
  public enum Scope { WATCHED, LEASE }

  /**
   * One RBAC rule: {@code resource} may carry a subresource ({@code stickypools/status}).
   *
   * @param apiGroup "" for the core group
   */
  public record Rule(Scope scope, String apiGroup, String resource, Set<String> verbs, String why) {
    public Rule {
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(apiGroup, "apiGroup");
      Objects.requireNonNull(resource, "resource");
      verbs = Set.copyOf(verbs);
      Objects.requireNonNull(why, "why");
    }

    public boolean grants(String group, String res, String verb) {
      return apiGroup.equals(group) && resource.equals(res) && verbs.contains(verb);
    }
  }

  private static final String POOLS = "stickypool.io";
  private static final String APPS = "apps";
  private static final String RBAC = "rbac.authorization.k8s.io";
  /**
   * Owned objects: watched (the caches the reconciler reads), written by server-side apply (patch;
   * create where the API server has no apply, such as the embedded demo API) and deleted on a
   * mode switch. get: cleanup reads before it deletes.
   */
  private static final Set<String> OWN_AND_WATCH = Set.of("get", "list", "watch", "create", "patch", "delete");

  public static final List<Rule> RULES = List.of(
      rule(POOLS, "stickypools", Set.of("get", "list", "watch", "patch"),
          "the controller's informer; JOSDK patches the finalizer in and out (get on a conflict)"),
      rule(POOLS, "stickypools/status", Set.of("patch"),
          "the reconciler patches status (conditions, backends, sessions)"),
      rule(POOLS, "stickypools/finalizers", Set.of("update"),
          "owned objects carry blockOwnerDeletion owner references to their pool"),
      rule("", "services", OWN_AND_WATCH,
          "informer on the pools' backend Services; creates <pool>-proxy and <pool>-proxy-admin"),
      rule("discovery.k8s.io", "endpointslices", Set.of("list", "watch"),
          "informer on the backend Services' EndpointSlices: the backends"),
      rule("", "pods", Set.of("list", "watch", "patch"),
          "proxy pods and pods informers (session reports of proxies and sidecars; grace periods, "
              + "deletion costs); backend pods' pod-deletion cost (patch)"),
      rule(APPS, "deployments", Set.of("get", "list", "watch", "create", "patch", "update", "delete"),
          "the proxy Deployment; sidecar targets (read, inject and remove by update)"),
      rule(APPS, "statefulsets", Set.of("get", "list", "watch", "update"),
          "sidecar targets of kind StatefulSet (read, inject, remove)"),
      rule("", "configmaps", OWN_AND_WATCH,
          "the routes ConfigMap (watched by the operator's label)"),
      rule("", "secrets", OWN_AND_WATCH,
          "the signing-key Secret (watched by the operator's label); a pool's TLS Secret (get by name,"
              + " for Ready=False TlsSecretInvalid)"),
      rule("", "serviceaccounts", OWN_AND_WATCH, "the proxy Deployment's ServiceAccount"),
      rule(RBAC, "roles", OWN_AND_WATCH, "the proxy's (or sidecar target's) read access to its routes and keys"),
      rule(RBAC, "rolebindings", OWN_AND_WATCH, "binds that Role to the proxy's (or target's) ServiceAccount"),
      rule("policy", "poddisruptionbudgets", OWN_AND_WATCH,
          "the proxy Deployment's PodDisruptionBudget (watched by the operator's label)"),
      rule("", "events", Set.of("create", "get", "patch"),
          "BackendDraining, RoutesUpdated, ... on the pool; a repeat is counted on the Event already"
              + " written (fabric8's patch reads it first)"),
      new Rule(Scope.LEASE, "coordination.k8s.io", "leases", Set.of("get", "create", "update", "patch"),
          "leader election (--leader-election), in the Lease namespace only; fabric8 renews with patch, "
              + "JOSDK checks get/create/update at start"));

  /**
   * Requests every authenticated user may make (Kubernetes' default system:discovery and
   * system:basic-user roles), so no chart rule is needed: the API server version (native sidecar
   * support) and JOSDK's SelfSubjectRulesReview check of the Lease permissions.
   */
  public static final List<String> GRANTED_TO_ALL = List.of(
      "GET /version", "authorization.k8s.io selfsubjectrulesreviews create");

  private OperatorPermissions() {}

  private static Rule rule(String group, String resource, Set<String> verbs, String why) {
    return new Rule(Scope.WATCHED, group, resource, verbs, why);
  }

  public static List<Rule> rules(Scope scope) {
    return RULES.stream().filter(r -> r.scope() == scope).toList();
  }

  public static boolean grants(String group, String resource, String verb) {
    return RULES.stream().anyMatch(r -> r.grants(group, resource, verb));
  }
}
