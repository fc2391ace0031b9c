package io.stickypool.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's PrometheusRule: every alert is well formed and documented, and promtool's rule unit
 * tests ({@value #TESTS_FILE}) run against the rules exactly as the chart renders them, written to
 * {@code target/monitoring/} beside a copy of the tests.
 */
class PrometheusRulesTest {
  static final String TESTS_FILE = "src/test/resources/monitoring/stickypool-rules.test.yaml";
  private static final Path DOCS = Path.of("docs/monitoring.md");
  private static final Path WORK = Path.of("target/monitoring");
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

  @Test
  void promtoolAcceptsTheRenderedRules() throws Exception {
    Path rules = writeRules();
    PromtoolRun run = promtool("check", "rules", rules.getFileName().toString());
    assertThat(run.exit()).as("promtool check rules:\n%s", run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS: " + MonitoringChart.everythingOn().alerts().size() + " rules found");
  }

  @Test
  void alertsFireOnSeriesShapedLikeOursAndStayQuietOtherwise() throws Exception {
    writeRules();
    Files.copy(Path.of(TESTS_FILE), WORK.resolve("stickypool-rules.test.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    PromtoolRun run = promtool("test", "rules", "stickypool-rules.test.yaml");
    assertThat(run.exit()).as("promtool test rules (rules in %s):\n%s", WORK.toAbsolutePath(), run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");
  }

  @Test
  void everyAlertIsTestedFiringAndQuiet() throws IOException {
    Map<String, int[]> cases = promtoolCases();
    for (Map<String, Object> alert : MonitoringChart.everythingOn().alerts()) {
      String name = (String) alert.get("alert");
      int[] firingQuiet = cases.getOrDefault(name, new int[2]);
      assertThat(firingQuiet[0]).as("%s: a promtool case where it fires", name).isPositive();
      assertThat(firingQuiet[1]).as("%s: a promtool case where it does not", name).isPositive();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertWaitsHasASeverityNamesWhatItIsAboutAndHasARunbookSection() throws IOException {
    String docs = Files.readString(DOCS);
    List<String> names = new ArrayList<>();
    for (Map<String, Object> alert : MonitoringChart.everythingOn().alerts()) {
      String name = (String) alert.get("alert");
      names.add(name);
      String expr = (String) alert.get("expr");
      assertThat((String) alert.get("for")).as("%s for", name).matches("[1-9][0-9]*[smh]");
      assertThat(((Map<String, String>) alert.get("labels")).get("severity")).as("%s severity", name).isIn(SEVERITIES);
      Map<String, String> annotations = (Map<String, String>) alert.get("annotations");
      assertThat(annotations).as(name).containsOnlyKeys("summary", "description", "runbook_url");
      assertThat(annotations.get("runbook_url")).endsWith("monitoring.md#" + name.toLowerCase(Locale.ROOT));
      assertThat(docs).as("docs/monitoring.md has a runbook section for %s", name).contains("\n### " + name + "\n");
      Set<String> grouped = PromQl.parse(expr).groupingLabels();
      for (String label : List.of("pool", "backend", "from", "pod")) {
        if (grouped.contains(label) || (label.equals("pool") && expr.startsWith("up{"))) {
          assertThat(annotations.get("summary") + annotations.get("description"))
              .as("%s names its %s", name, label).contains("$labels." + label);
        }
      }
    }
    Matcher documented = Pattern.compile("\n### (StickyPool\\w+)\n").matcher(docs);
    while (documented.find()) {
      assertThat(names).as("docs/monitoring.md documents an alert the chart does not have").contains(documented.group(1));
    }
  }

  @Test
  void operatorAlertsNeedTheOperatorsServiceMonitor() {
    MonitoringChart withoutScrape = new MonitoringChart(
        RenderedChart.render(t -> t.set("monitoring.prometheusRule.enabled", true)));
    assertThat(withoutScrape.ruleGroups()).extracting(g -> g.get("name")).containsExactly("stickypool-proxies");
    assertThat(MonitoringChart.everythingOn().ruleGroups()).extracting(g -> g.get("name"))
        .containsExactly("stickypool-proxies", "stickypool-operator");
  }

  @Test
  void thresholdsAndJobComeFromValues() {
    MonitoringChart tuned = new MonitoringChart(RenderedChart.render(RenderedChart.values("""
        monitoring:
          proxyJob: sticky
          prometheusRule: {enabled: true, sessionSkewRatio: 3, sessionSkewMinSessions: 40, forgedCookiesPerSecond: 0.5}
        """)));
    Map<String, String> exprs = new java.util.HashMap<>();
    tuned.alerts().forEach(a -> exprs.put((String) a.get("alert"), (String) a.get("expr")));
    assertThat(exprs.get("StickyPoolSessionSkew")).contains("3 * avg by", ">= 40");
    assertThat(exprs.get("StickyPoolForgedCookies")).endsWith("> 0.5");
    assertThat(exprs.get("StickyPoolProxyDown")).isEqualTo("up{job=\"sticky\"} == 0");
  }

  /** Alert name to {firing cases, quiet cases} in the promtool tests file. */
  @SuppressWarnings("unchecked")
  private static Map<String, int[]> promtoolCases() throws IOException {
    Map<String, Object> file = new KubernetesSerialization().unmarshal(Files.readString(Path.of(TESTS_FILE)), Map.class);
    Map<String, int[]> cases = new java.util.HashMap<>();
    for (Map<String, Object> test : (List<Map<String, Object>>) file.get("tests")) {
      for (Map<String, Object> c : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
        List<?> expected = (List<?>) c.get("exp_alerts");
        int[] counts = cases.computeIfAbsent((String) c.get("alertname"), k -> new int[2]);
        counts[expected == null || expected.isEmpty() ? 1 : 0]++;
      }
    }
    return cases;
  }

  private static Path writeRules() throws IOException {
    Files.createDirectories(WORK);
    Path rules = WORK.resolve("stickypool-rules.yaml");
    MonitoringChart.everythingOn().writeRulesFile(rules);
    return rules;
  }

  private record PromtoolRun(int exit, String output) {}

  private static PromtoolRun promtool(String... args) throws Exception {
    Optional<Path> promtool = onPath("promtool");
    assumeTrue(promtool.isPresent(),
        "promtool is not installed, so the alert rule tests are skipped: apt-get install -y prometheus (Debian)");
    List<String> command = new ArrayList<>(List.of(promtool.get().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    return new PromtoolRun(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static Optional<Path> onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
  }
}
