package io.stickypool.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Adds the proxy sidecar to a Deployment's or StatefulSet's pod template, and takes it out again.
 * Pure: each call returns a changed copy and leaves its argument alone.
 *
 * <p>The operator owns exactly three things in a target: one container, its volumes, and the
 * {@value #ANNOTATION} annotation on the workload (not on the pod template, so recording a new pool
 * generation rolls no pods). The annotation names what was added, so removal takes out exactly that
 * and nothing the user put there, and a later operator version can still remove what an older one
 * added. Everything else in the workload is the user's and is carried over untouched, which is what
 * makes removal give back the workload as the user last wrote it.
 */
public final class SidecarInjection {
  public static final String ANNOTATION = "stickypool.io/sidecar";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one injection added, as stored in {@value #ANNOTATION}. */
  public record Record(String pool, Long generation, String container, List<String> volumes,
      boolean nativeSidecar) {
    String toJson() {
      try {
        return JSON.writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a record of strings cannot fail to serialise", e);
      }
    }

    /** Empty when the workload carries no readable record (never injected, or edited by hand). */
    static Optional<Record> of(HasMetadata workload) {
      Map<String, String> annotations = workload.getMetadata().getAnnotations();
      String text = annotations == null ? null : annotations.get(ANNOTATION);
      if (text == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(JSON.readValue(text, Record.class));
      } catch (JsonProcessingException e) {
        return Optional.empty();
      }
    }
  }

  private SidecarInjection() {}

  /** The record on {@code workload}, if a pool's sidecar is in it. */
  public static Optional<Record> record(HasMetadata workload) {
    return Record.of(workload);
  }

  /**
   * {@code workload} with exactly {@code sidecar} for {@code pool}: any earlier injection is taken
   * out first, so a changed sidecar replaces the old one and a switch between native and regular
   * sidecar moves it.
   *
   * @throws IllegalArgumentException when the workload is not a Deployment or StatefulSet
   */
  public static HasMetadata inject(HasMetadata workload, PoolIdentity pool, SidecarModel.Sidecar sidecar) {
    HasMetadata copy = remove(workload);
    PodSpec pod = podSpec(copy);
    // Also by name: a record edited away by hand must not leave a second container of that name,
    // which the API server would refuse. The names carry the stickypool- prefix for this reason.
    String name = sidecar.container().getName();
    Set<String> volumeNames = Set.copyOf(sidecar.volumeNames());
    pod.setContainers(without(pod.getContainers(), c -> name.equals(c.getName())));
    pod.setInitContainers(without(pod.getInitContainers(), c -> name.equals(c.getName())));
    pod.setVolumes(without(pod.getVolumes(), v -> volumeNames.contains(v.getName())));
    if (sidecar.nativeSidecar()) {
      // First, so that init containers the user added also find the proxy running.
      List<Container> init = new ArrayList<>(pod.getInitContainers());
      init.add(0, sidecar.container());
      pod.setInitContainers(init);
    } else {
      List<Container> containers = new ArrayList<>(pod.getContainers());
      containers.add(sidecar.container());
      pod.setContainers(containers);
    }
    List<Volume> volumes = new ArrayList<>(pod.getVolumes());
    volumes.addAll(sidecar.volumes());
    pod.setVolumes(volumes);
    Map<String, String> annotations = new LinkedHashMap<>(Optional.ofNullable(
        copy.getMetadata().getAnnotations()).orElse(Map.of()));
    annotations.put(ANNOTATION, new Record(pool.name(), pool.generation(),
        sidecar.container().getName(), sidecar.volumeNames(), sidecar.nativeSidecar()).toJson());
    copy.getMetadata().setAnnotations(annotations);
    return copy;
  }

  /** {@code workload} without what its record says was injected; a plain copy when it has none. */
  public static HasMetadata remove(HasMetadata workload) {
    HasMetadata copy = copy(workload);
    Optional<Record> record = Record.of(copy);
    Map<String, String> annotations = copy.getMetadata().getAnnotations();
    if (annotations == null || !annotations.containsKey(ANNOTATION)) {
      return copy;
    }
    Map<String, String> rest = new LinkedHashMap<>(annotations);
    rest.remove(ANNOTATION);
    // null rather than empty, as the user had it: an empty map would still serialise as {}.
    copy.getMetadata().setAnnotations(rest.isEmpty() ? null : rest);
    if (record.isEmpty()) {
      return copy;
    }
    PodSpec pod = podSpec(copy);
    String container = record.get().container();
    Set<String> volumes = Set.copyOf(record.get().volumes());
    pod.setContainers(without(pod.getContainers(), c -> container.equals(c.getName())));
    pod.setInitContainers(without(pod.getInitContainers(), c -> container.equals(c.getName())));
    pod.setVolumes(without(pod.getVolumes(), v -> volumes.contains(v.getName())));
    return copy;
  }

  /** The container of the workload named like the sidecar, in either container list. */
  public static Optional<Container> container(HasMetadata workload, boolean nativeSidecar) {
    PodSpec pod = podSpec(workload);
    return (nativeSidecar ? pod.getInitContainers() : pod.getContainers()).stream()
        .filter(c -> SidecarModel.CONTAINER.equals(c.getName())).findFirst();
  }

  /** The workload's volume called {@code name}. */
  public static Optional<Volume> volume(HasMetadata workload, String name) {
    return podSpec(workload).getVolumes().stream().filter(v -> name.equals(v.getName())).findFirst();
  }

  /**
   * Ports the sidecar needs that a container of the user's already declares: two listeners on one
   * port in a pod's shared network namespace would leave one of them failing to start. Ports that
   * are used but not declared cannot be seen here.
   */
  public static List<String> portConflicts(HasMetadata workload, SidecarModel.Sidecar sidecar) {
    PodSpec pod = podSpec(remove(workload));
    return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
        .flatMap(c -> c.getPorts().stream().filter(p -> sidecar.ports().contains(p.getContainerPort()))
            .map(p -> "container " + c.getName() + " port " + describe(p)))
        .toList();
  }

  /** The service account the workload's pods run as: the one the sidecar reads the API with. */
  public static String serviceAccount(HasMetadata workload) {
    String name = podSpec(workload).getServiceAccountName();
    return name == null || name.isBlank() ? "default" : name;
  }

  private static String describe(ContainerPort port) {
    return port.getName() == null ? String.valueOf(port.getContainerPort())
        : port.getName() + " (" + port.getContainerPort() + ")";
  }

  private static <T> List<T> without(List<T> items, java.util.function.Predicate<T> drop) {
    return items.stream().filter(drop.negate()).toList();
  }

  static PodSpec podSpec(HasMetadata workload) {
    if (workload instanceof Deployment d) {
      return d.getSpec().getTemplate().getSpec();
    }
    if (workload instanceof StatefulSet s) {
      return s.getSpec().getTemplate().getSpec();
    }
    throw new IllegalArgumentException("a sidecar goes into a Deployment or StatefulSet, not a "
        + workload.getKind());
  }

  private static HasMetadata copy(HasMetadata workload) {
    if (workload instanceof Deployment d) {
      return new DeploymentBuilder(d).build();
    }
    if (workload instanceof StatefulSet s) {
      return new StatefulSetBuilder(s).build();
    }
    throw new IllegalArgumentException("a sidecar goes into a Deployment or StatefulSet, not a "
        + workload.getKind());
  }
}
