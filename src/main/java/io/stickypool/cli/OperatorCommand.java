package io.stickypool.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.contract.GoDurations;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stickypool.operator.lease.LeaderElectionSettings;
import io.stickypool.operator.OperatorSettings;
import io.stickypool.operator.StickyPoolOperator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the Kubernetes operator. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Run the StickyPool operator against the current kubeconfig or in-cluster config.",
    footer = {
      "",
      "Examples:",
      "  stickypool operator                              (kubeconfig's cluster, all namespaces)",
      "  stickypool operator --namespace team-a,team-b",
      "  stickypool operator --leader-election            (in a pod, more than one replica)",
      "  make demo                                        (no cluster: an embedded API instead)"
    })
public final class OperatorCommand implements Callable<Integer> {
  static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Spec
  CommandSpec spec;

  @Option(names = "--namespace", split = ",", paramLabel = "NS",
      description = "Namespace to watch; repeat or comma-separate for several (default: env"
          + " WATCH_NAMESPACES, comma separated, else all namespaces).")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--image", paramLabel = "IMAGE",
      defaultValue = "ghcr.io/stickypool/stickypool:0.1.0",
      description = "Proxy image for pools that do not set spec.proxy.image (default:"
          + " ${DEFAULT-VALUE}).")
  String image;

  @Option(names = "--admin-address", paramLabel = "HOST", defaultValue = "0.0.0.0",
      description = "Address of the admin server: /healthz, /readyz, /metrics and the live view"
          + " at / (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "8081",
      description = "Port of the admin server; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--leader-election",
      description = "Elect one active replica through a coordination.k8s.io/v1 Lease; turn on"
          + " when running more than one replica (default: off).")
  boolean leaderElection;

  @Option(names = "--lease-name", paramLabel = "NAME",
      defaultValue = LeaderElectionSettings.DEFAULT_LEASE_NAME,
      description = "Name of the leader-election Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(names = "--lease-namespace", paramLabel = "NS",
      description = "Namespace of the Lease (default: env POD_NAMESPACE, else the pod's"
          + " service-account namespace).")
  String leaseNamespace;

  @Option(names = "--session-refresh", paramLabel = "DURATION", defaultValue = "10s",
      description = "How often each pool asks its proxies for live sessions, such as 10s or 1m"
          + " (default: ${DEFAULT-VALUE}).")
  String sessionRefresh;

  @Option(names = "--drain-refresh", paramLabel = "DURATION", defaultValue = "2s",
      description = "How often instead while one of the pool's backends is draining, so drains"
          + " end soon after their last session (default: ${DEFAULT-VALUE}).")
  String drainRefresh;

  @Option(names = "--sidecar-style", paramLabel = "STYLE", defaultValue = "auto",
      description = "Sidecar-mode proxies as native sidecars (init containers with restartPolicy"
          + " Always) or regular containers: auto (native from Kubernetes 1.29), native or"
          + " container (default: ${DEFAULT-VALUE}).")
  String sidecarStyle;

  @Override
  public Integer call() throws InterruptedException {
    OperatorSettings settings = settings(System.getenv(), SERVICE_ACCOUNT_NAMESPACE);
    KubernetesClient client = new KubernetesClientBuilder().build();
    Optional<String> problem = ClusterCheck.problem(client, settings.namespaces(), System.getenv());
    if (problem.isPresent()) {
      client.close();
      spec.commandLine().getErr().println("stickypool operator: " + problem.get());
      spec.commandLine().getErr().flush();
      return 1;
    }
    StickyPoolOperator operator = new StickyPoolOperator();
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM runs shutdown hooks: stop the admin server, informers and the Lease, then the client we own.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.stop();
      client.close();
      stopped.countDown();
    }, "stickypool-operator-shutdown"));
    operator.start(client, settings);
    stopped.await();
    return 0;
  }

  /**
   * The settings {@code args} (the operator subcommand's flags, without "operator") describe, as the
   * real command would build them, without starting anything: the chart's tests run the operator
   * from the args its Deployment renders.
   */
  public static OperatorSettings settingsFrom(List<String> args, Map<String, String> env) {
    OperatorCommand command = new OperatorCommand();
    new picocli.CommandLine(command).parseArgs(args.toArray(String[]::new));
    return command.settings(env, SERVICE_ACCOUNT_NAMESPACE);
  }

  /** The settings the flags describe; env and the service-account file fill what flags leave open. */
  OperatorSettings settings(Map<String, String> env, Path serviceAccountNamespace) {
    if (adminPort < 0 || adminPort > 65535) {
      throw new ParameterException(spec.commandLine(), "--admin-port must be 0..65535, got " + adminPort);
    }
    OperatorSettings.Builder b = OperatorSettings.builder(image)
        .namespaces(watchedNamespaces(env))
        .admin(new InetSocketAddress(adminAddress, adminPort))
        .sessionRefresh(duration("--session-refresh", sessionRefresh))
        .drainRefresh(duration("--drain-refresh", drainRefresh))
        .nativeSidecars(nativeSidecars());
    if (leaderElection) {
      b.leaderElection(LeaderElectionSettings.of(leaseName, leaseNamespace(env, serviceAccountNamespace),
          identity(env)));
    }
    return b.build();
  }

  private Boolean nativeSidecars() {
    return switch (sidecarStyle) {
      case "auto" -> null;
      case "native" -> true;
      case "container" -> false;
      default -> throw new ParameterException(spec.commandLine(),
          "--sidecar-style must be auto, native or container, got " + sidecarStyle);
    };
  }

  private Duration duration(String flag, String text) {
    try {
      Duration d = GoDurations.parse(text);
      if (!d.isZero()) {
        return d;
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
    }
    throw new ParameterException(spec.commandLine(), flag + " must be more than 0s, got " + text);
  }

  private Set<String> watchedNamespaces(Map<String, String> env) {
    List<String> given = namespaces.isEmpty()
        ? List.of(env.getOrDefault("WATCH_NAMESPACES", "").split(","))
        : namespaces;
    Set<String> out = new LinkedHashSet<>();
    given.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
    return out;
  }

  private String leaseNamespace(Map<String, String> env, Path serviceAccountNamespace) {
    if (leaseNamespace != null && !leaseNamespace.isBlank()) {
      return leaseNamespace;
    }
    String fromEnv = env.get("POD_NAMESPACE");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    try {
      String fromFile = Files.readString(serviceAccountNamespace).trim();
      if (!fromFile.isEmpty()) {
        return fromFile;
      }
    } catch (IOException e) {
      // not in a pod: fall through to the error below
    }
    throw new ParameterException(spec.commandLine(), "--leader-election needs the Lease namespace: pass "
        + "--lease-namespace, or set env POD_NAMESPACE, or run in a pod (" + serviceAccountNamespace + ")");
  }

  /** Pod name plus a random suffix, so a restarted pod with the same name is a new candidate. */
  private static String identity(Map<String, String> env) {
    String pod = env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "stickypool-operator"));
    return pod + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
