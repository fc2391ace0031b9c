package io.stickypool.bench.operator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operator-at-scale benchmark of issue 14 ({@code make bench-operator}): for each pool count,
 * a fresh real API server, the pools, and the operator as its own process; measures start to all
 * Ready, the operator's idle requests (by verb and resource) and CPU, its heap after GC, and
 * EndpointSlice change -> routes ConfigMap latency. A benchmark, not a test: nothing is asserted.
 */
@Command(name = "bench-operator", mixinStandardHelpOptions = true,
    description = "Measure the operator at N pools on a real kube-apiserver; writes bench/results/operator-scale-<date>.{md,json}.")
public final class OperatorScaleBench implements Callable<Integer> {
  @Option(names = "--pools", split = ",", defaultValue = "1,10,100,1000", description = "Pool counts (default: ${DEFAULT-VALUE}).")
  List<Integer> pools;

  @Option(names = "--changes", defaultValue = "50", description = "Slice changes timed per count (default: ${DEFAULT-VALUE}).")
  int changes;

  @Option(names = "--spacing-ms", defaultValue = "200", description = "Least time between change starts (default: ${DEFAULT-VALUE}).")
  long spacingMs;

  @Option(names = "--settle", defaultValue = "30", description = "Seconds to wait after all Ready (default: ${DEFAULT-VALUE}).")
  long settle;

  @Option(names = "--idle", defaultValue = "60", description = "Seconds of the idle window (default: ${DEFAULT-VALUE}).")
  long idle;

  @Option(names = "--budget-min", defaultValue = "15", description = "Most minutes per pool count (default: ${DEFAULT-VALUE}).")
  long budgetMinutes;

  @Option(names = "--rate", defaultValue = "50", description = "Pools created per second at most (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--unrelated", defaultValue = "0",
      description = "Services, EndpointSlices and Deployments (each) of no pool, in namespace noise (default: ${DEFAULT-VALUE}).")
  int unrelated;

  @Option(names = "--jar", defaultValue = "target/stickypool.jar", description = "The operator jar (default: ${DEFAULT-VALUE}).")
  Path jar;

  @Option(names = "--out", defaultValue = "bench/results", description = "Where reports go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--work", defaultValue = "target/bench-operator", description = "Control-plane data and logs (default: ${DEFAULT-VALUE}).")
  Path work;

  @Option(names = "--machine", defaultValue = "unknown machine", description = "Machine line for the report.")
  String machine;

  public static void main(String[] args) {
    // On Ctrl-C the runs' try-with-resources are skipped: stop what this JVM started (etcd,
    // kube-apiserver, the operator), by handle, nothing else.
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy), "bench-operator-stop"));
    System.exit(new CommandLine(new OperatorScaleBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Instant now = Instant.now();
    String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm'Z'").withZone(ZoneOffset.UTC).format(now);
    Duration idleWindow = Duration.ofSeconds(idle);
    Duration settleTime = Duration.ofSeconds(settle);
    // Kept back from the Ready wait: settle + idle + heap + the slice changes at 1 s each at worst.
    Duration reserve = settleTime.plus(idleWindow).plusSeconds(30 + changes);
    BenchSettings settings = new BenchSettings(pools, changes, Duration.ofMillis(spacingMs), settleTime, idleWindow,
        Duration.ofMinutes(budgetMinutes), reserve, rate, jar, out, work.resolve(stamp),
        unrelated == 0 ? machine : machine + "; " + unrelated + " unrelated Services, EndpointSlices and Deployments"
            + " (each) in namespace noise", unrelated);
    ScaleReport report = new ScaleReport(settings, DateTimeFormatter.ISO_INSTANT.format(now));
    Path json = out.resolve("operator-scale-" + stamp + ".json");
    Path md = out.resolve("operator-scale-" + stamp + ".md");
    List<ScaleFigures> results = new ArrayList<>();
    for (int n : pools) {
      System.out.printf("== %d pools (budget %d min) ==%n", n, budgetMinutes);
      Path dir = settings.work().resolve("n" + n);
      Files.createDirectories(dir);
      results.add(new ScaleRun(settings).run(n, dir));
      report.write(results, json, md);
    }
    System.out.println("wrote " + md + " and " + json);
    return results.stream().allMatch(f -> f.problems.isEmpty()) ? 0 : 1;
  }
}
