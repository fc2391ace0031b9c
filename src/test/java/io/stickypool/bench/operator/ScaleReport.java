package io.stickypool.bench.operator;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a run's figures as {@code operator-scale-<date>.json} and a Markdown summary beside it. */
final class ScaleReport {
  private final BenchSettings settings;
  private final String started;

  ScaleReport(BenchSettings settings, String started) {
    this.settings = settings;
    this.started = started;
  }

  /** Rewritten after every pool count, so a later failure keeps what was measured. */
  void write(List<ScaleFigures> results, Path json, Path md) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("started", started);
    doc.put("machine", settings.machine());
    doc.put("operatorJvmFlags", OperatorProcess.JVM_FLAGS);
    doc.put("method", method());
    doc.put("results", results);
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    Files.createDirectories(json.getParent());
    mapper.writeValue(json.toFile(), doc);
    Files.writeString(md, markdown(results));
  }

  private String method() {
    return String.format("fresh etcd + kube-apiserver per pool count; pools pre-created at <= %d/s; operator = "
        + "java -jar stickypool.jar operator as the chart's ServiceAccount (all namespaces); start -> all Ready "
        + "from process start; settle %d s; idle window %d s (audit log by requestReceivedTimestamp, operator's "
        + "user only); heap = jcmd GC.run then GC.heap_info; %d slice changes >= %d ms apart, one at a time",
        settings.poolsPerSecond(), settings.settle().toSeconds(), settings.idle().toSeconds(), settings.changes(),
        settings.spacing().toMillis());
  }

  private String markdown(List<ScaleFigures> results) {
    StringBuilder out = new StringBuilder();
    out.append("# Operator at scale, run of ").append(started).append("\n\nMachine: ").append(settings.machine())
        .append(". Operator JVM: `").append(String.join(" ", OperatorProcess.JVM_FLAGS)).append("`.\n\nMethod: ")
        .append(method()).append(".\n\n");
    out.append("| pools | start -> all Ready s | idle reads/min | idle writes/min | idle CPU s/min | heap after GC MiB "
        + "| slice -> routes p50 / p99 / max ms |\n|---|---|---|---|---|---|---|\n");
    for (ScaleFigures f : results) {
      out.append("| ").append(f.pools).append(" | ").append(orDash(f.startToReadySeconds))
          .append(" | ").append(f.idlePerMinute == null ? "-" : f.idlePerMinute.reads())
          .append(" | ").append(f.idlePerMinute == null ? "-" : f.idlePerMinute.writes())
          .append(" | ").append(orDash(f.idleCpuSecondsPerMinute))
          .append(" | ").append(f.heapUsedAfterGcKib == null ? "-" : String.format("%.1f", f.heapUsedAfterGcKib / 1024.0))
          .append(" | ").append(f.latency == null ? "-" : String.format("%.0f / %.0f / %.0f", f.latency.p50(),
              f.latency.p99(), f.latency.max()))
          .append(" |\n");
    }
    results.forEach(f -> section(out, f));
    return out.toString();
  }

  private static void section(StringBuilder out, ScaleFigures f) {
    out.append("\n## ").append(f.pools).append(f.pools == 1 ? " pool" : " pools").append("\n\n");
    f.problems.forEach(p -> out.append("- **problem:** ").append(p).append('\n'));
    out.append(String.format("- set-up (Services, slices, pools): %s s; start -> all Ready %s s, all ProxyAvailable "
        + "%s s; operator CPU by then %s s%n", orDash(f.setupSeconds), orDash(f.startToReadySeconds),
        orDash(f.startToProxyAvailableSeconds), orDash(f.startupCpuSeconds)));
    if (f.startupRequests != null) {
      out.append(String.format("- requests from start to all Ready: %d (%d reads, %d writes)%n",
          f.startupRequests.total(), f.startupRequests.reads(), f.startupRequests.writes()));
    }
    out.append(String.format("- idle window %s s, load average %s: CPU %s s/min%n", orDash(f.idleWindowSeconds),
        f.loadAverageIdle, orDash(f.idleCpuSecondsPerMinute)));
    out.append(String.format("- heap after full GC %s KiB used of %s KiB committed; RSS %s KiB%n",
        orDash(f.heapUsedAfterGcKib), orDash(f.heapCommittedKib), orDash(f.rssKib)));
    if (f.latency != null) {
      out.append(String.format("- slice change -> routes ConfigMap watched: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f ms "
          + "(%d changes, %d timed out)%n", f.latency.p50(), f.latency.p90(), f.latency.p99(), f.latency.max(),
          f.latency.changes(), f.latency.timedOut()));
    }
    out.append(String.format("- stand-in Deployment status writes: %s; operator log WARN/ERROR lines: %s%n",
        orDash(f.standInStatusWrites), orDash(f.operatorLogWarnings)));
    if (f.idlePerMinute != null) {
      out.append("\n| idle requests per minute, verb resource | count |\n|---|---|\n");
      f.idlePerMinute.byVerbAndResource().forEach((k, v) -> out.append("| ").append(k).append(" | ").append(v)
          .append(" |\n"));
      out.append(String.format("| **total** (reads / writes) | **%d** (%d / %d) |%n", f.idlePerMinute.total(),
          f.idlePerMinute.reads(), f.idlePerMinute.writes()));
      f.idlePerMinute.failed().forEach((k, v) -> out.append("| failed: ").append(k).append(" | ").append(v)
          .append(" |\n"));
    }
    if (f.startupRequests != null) {
      out.append("\n| start -> all Ready, verb resource | count |\n|---|---|\n");
      f.startupRequests.byVerbAndResource().forEach((k, v) -> out.append("| ").append(k).append(" | ").append(v)
          .append(" |\n"));
      f.startupRequests.failed().forEach((k, v) -> out.append("| failed: ").append(k).append(" | ").append(v)
          .append(" |\n"));
    }
    if (!f.operatorLogSample.isEmpty()) {
      out.append("\nOperator log, first distinct WARN/ERROR lines:\n\n```\n");
      f.operatorLogSample.forEach(l -> out.append(l).append('\n'));
      out.append("```\n");
    }
  }

  private static String orDash(Object o) {
    return o == null ? "-" : o.toString();
  }
}
