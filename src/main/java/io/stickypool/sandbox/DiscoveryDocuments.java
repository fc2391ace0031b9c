package io.stickypool.sandbox;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The legacy discovery documents kubectl reads before any request ({@code /api}, {@code /apis},
 * {@code /api/v1}, {@code /apis/GROUP/VERSION}), rendered once to JSON. The built-in kinds are the
 * ones the operator writes and the samples use; custom resources come from their CRDs.
 */
final class DiscoveryDocuments {
  private static final String CORE = "v1";
  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> SUBRESOURCE_VERBS = List.of("get", "patch", "update");
  /** The built-in kinds of the "all" category that this sandbox serves (kubectl get all). */
  private static final Set<String> CATEGORY_ALL =
      Set.of("pods", "services", "deployments", "replicasets", "statefulsets");

  private record Kind(String name, String singular, String kind, boolean namespaced,
      List<String> shortNames, List<String> categories) {
    Kind(String name, String singular, String kind, boolean namespaced, List<String> shortNames) {
      this(name, singular, kind, namespaced, shortNames,
          CATEGORY_ALL.contains(name) ? List.of("all") : List.of());
    }
  }

  /** Group version ("v1" for the core group) to the resources it serves, in discovery order. */
  private final Map<String, List<APIResource>> resources = new LinkedHashMap<>();
  private final KubernetesSerialization json;

  DiscoveryDocuments(KubernetesSerialization json, List<CustomResourceDefinition> crds) {
    this.json = json;
    builtIns();
    crds.forEach(this::add);
  }

  private void builtIns() {
    add(CORE, new Kind("namespaces", "namespace", "Namespace", false, List.of("ns")));
    add(CORE, new Kind("configmaps", "configmap", "ConfigMap", true, List.of("cm")));
    add(CORE, new Kind("secrets", "secret", "Secret", true, List.of()));
    add(CORE, new Kind("services", "service", "Service", true, List.of("svc")));
    add(CORE, new Kind("serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa")));
    add(CORE, new Kind("events", "event", "Event", true, List.of("ev")));
    add(CORE, new Kind("pods", "pod", "Pod", true, List.of("po")));
    add(CORE, new Kind("endpoints", "endpoints", "Endpoints", true, List.of("ep")));
    add("apps/v1", new Kind("deployments", "deployment", "Deployment", true, List.of("deploy")));
    add("apps/v1", new Kind("replicasets", "replicaset", "ReplicaSet", true, List.of("rs")));
    add("apps/v1", new Kind("statefulsets", "statefulset", "StatefulSet", true, List.of("sts")));
    add("discovery.k8s.io/v1",
        new Kind("endpointslices", "endpointslice", "EndpointSlice", true, List.of()));
    add("events.k8s.io/v1", new Kind("events", "event", "Event", true, List.of("ev")));
    add("coordination.k8s.io/v1", new Kind("leases", "lease", "Lease", true, List.of()));
    String rbac = "rbac.authorization.k8s.io/v1";
    add(rbac, new Kind("roles", "role", "Role", true, List.of()));
    add(rbac, new Kind("rolebindings", "rolebinding", "RoleBinding", true, List.of()));
    add(rbac, new Kind("clusterroles", "clusterrole", "ClusterRole", false, List.of()));
    add(rbac, new Kind("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false,
        List.of()));
    add("apiextensions.k8s.io/v1", new Kind("customresourcedefinitions",
        "customresourcedefinition", "CustomResourceDefinition", false, List.of("crd", "crds")));
  }

  private void add(String groupVersion, Kind k) {
    resources.computeIfAbsent(groupVersion, gv -> new ArrayList<>()).add(new APIResourceBuilder()
        .withName(k.name()).withSingularName(k.singular()).withKind(k.kind())
        .withNamespaced(k.namespaced()).withVerbs(ALL_VERBS).withShortNames(k.shortNames())
        .withCategories(k.categories()).build());
  }

  private void add(CustomResourceDefinition crd) {
    var spec = crd.getSpec();
    var names = spec.getNames();
    boolean namespaced = "Namespaced".equals(spec.getScope());
    for (CustomResourceDefinitionVersion v : spec.getVersions()) {
      if (!Boolean.TRUE.equals(v.getServed())) {
        continue;
      }
      String gv = spec.getGroup() + "/" + v.getName();
      add(gv, new Kind(names.getPlural(), names.getSingular(), names.getKind(), namespaced,
          Optional.ofNullable(names.getShortNames()).orElse(List.of()),
          Optional.ofNullable(names.getCategories()).orElse(List.of())));
      if (v.getSubresources() != null && v.getSubresources().getStatus() != null) {
        resources.get(gv).add(new APIResourceBuilder().withName(names.getPlural() + "/status")
            .withSingularName("").withKind(names.getKind()).withNamespaced(namespaced)
            .withVerbs(SUBRESOURCE_VERBS).build());
      }
    }
  }

  /** Per group version ("v1" for the core group), its kinds: plural to kind, subresources left out. */
  Map<String, Map<String, String>> kinds() {
    Map<String, Map<String, String>> kinds = new LinkedHashMap<>();
    resources.forEach((gv, list) -> list.stream().filter(r -> !r.getName().contains("/"))
        .forEach(r -> kinds.computeIfAbsent(gv, g -> new LinkedHashMap<>()).put(r.getName(), r.getKind())));
    return kinds;
  }

  String apiVersions() {
    return json.asJson(new APIVersionsBuilder().withVersions(CORE).build());
  }

  String groupList() {
    Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
    resources.keySet().stream().filter(gv -> gv.contains("/")).forEach(gv -> versionsByGroup
        .computeIfAbsent(gv.substring(0, gv.indexOf('/')), g -> new ArrayList<>())
        .add(gv.substring(gv.indexOf('/') + 1)));
    List<APIGroup> groups = new ArrayList<>();
    versionsByGroup.forEach((group, versions) -> {
      List<GroupVersionForDiscovery> gvs = versions.stream()
          .map(v -> new GroupVersionForDiscovery(group + "/" + v, v)).toList();
      groups.add(new APIGroupBuilder().withName(group).withVersions(gvs)
          .withPreferredVersion(gvs.get(0)).build());
    });
    return json.asJson(new APIGroupListBuilder().withGroups(groups).build());
  }

  /** The APIResourceList of one group version ("v1" for the core group), or empty if unknown. */
  Optional<String> resourceList(String groupVersion) {
    return Optional.ofNullable(resources.get(groupVersion)).map(list -> json.asJson(
        new APIResourceListBuilder().withGroupVersion(groupVersion).withResources(list).build()));
  }
}
