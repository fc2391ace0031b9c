package io.stickypool.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.operator.OperatorPermissions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/** The chart rendered by Helm (through helm-java) and parsed by fabric8, plus RBAC helpers. */
record RenderedChart(String yaml, List<HasMetadata> objects) {
  static final Path CHART = Path.of("deploy/helm/stickypool-operator");
  static final String RELEASE = "stickypool";
  static final String NAMESPACE = "stickypool-system";
  /** Helm's template default (1.20) is below the chart's kubeVersion. */
  static final String KUBE_VERSION = "1.31.0";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static RenderedChart render(UnaryOperator<TemplateCommand> values) {
    return render(RELEASE, NAMESPACE, values);
  }

  /** The chart as release {@code release} in {@code namespace} would be. */
  static RenderedChart render(String release, String namespace, UnaryOperator<TemplateCommand> values) {
    String yaml = values.apply(new Helm(CHART).template().withName(release).withNamespace(namespace)
        .withKubeVersion(KUBE_VERSION)).call();
    Object parsed = SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    @SuppressWarnings("unchecked")
    List<HasMetadata> objects = parsed instanceof List<?> l ? (List<HasMetadata>) l : List.of((HasMetadata) parsed);
    return new RenderedChart(yaml, objects);
  }

  /** Values given as YAML, for lists, which --set would pass as a string. */
  static UnaryOperator<TemplateCommand> values(String yaml) {
    Path file = valuesFile(yaml);
    return t -> t.withValuesFile(file);
  }

  /** A temporary values file holding {@code yaml}, for install and upgrade as for template. */
  static Path valuesFile(String yaml) {
    try {
      Path file = java.nio.file.Files.createTempFile("values", ".yaml");
      file.toFile().deleteOnExit();
      java.nio.file.Files.writeString(file, yaml);
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static RenderedChart defaults() {
    return render(UnaryOperator.identity());
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  Deployment deployment() {
    List<Deployment> d = all(Deployment.class);
    if (d.size() != 1) {
      throw new AssertionError("expected one Deployment, got " + d.size());
    }
    return d.get(0);
  }

  /** The operator container's args after the "operator" subcommand. */
  List<String> operatorArgs() {
    List<String> args = deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    if (!"operator".equals(args.get(0))) {
      throw new AssertionError("the container must run the operator subcommand: " + args);
    }
    return args.subList(1, args.size());
  }

  /** Every (group, resource, verb) the rules grant, e.g. {@code apps deployments get}. */
  static Set<String> grants(Collection<PolicyRule> rules) {
    Set<String> out = new TreeSet<>();
    for (PolicyRule r : rules) {
      for (String g : r.getApiGroups()) {
        for (String res : r.getResources()) {
          for (String v : r.getVerbs()) {
            out.add(triple(g, res, v));
          }
        }
      }
    }
    return out;
  }

  static Set<String> grants(OperatorPermissions.Scope scope) {
    Set<String> out = new TreeSet<>();
    OperatorPermissions.rules(scope).forEach(r -> r.verbs().forEach(v -> out.add(triple(r.apiGroup(), r.resource(), v))));
    return out;
  }

  private static String triple(String group, String resource, String verb) {
    return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
  }

  static Map<String, String> podEnv(String podName) {
    return Map.of("POD_NAME", podName, "POD_NAMESPACE", NAMESPACE);
  }
}
