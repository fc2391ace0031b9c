package io.stickypool.deploy;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a PromQL expression reads, by a tokenizer rather than a parser (enough for our own queries):
 * each metric name with the label names it is matched on, and the labels named in {@code by},
 * {@code without}, {@code on}, {@code ignoring} and {@code group_left/right} lists. A metric name is
 * an identifier that is neither a keyword nor followed by {@code (}; strings and range brackets are
 * skipped, so Grafana's {@code $variables} never count.
 */
record PromQl(Map<String, Set<String>> selectors, Set<String> groupingLabels) {
  private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> KEYWORDS = Set.of(
      "and", "or", "unless", "bool", "offset", "inf", "nan",
      "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group");

  static PromQl parse(String expr) {
    return new Scanner(expr).scan();
  }

  private static final class Scanner {
    private final String s;
    private final Map<String, Set<String>> selectors = new LinkedHashMap<>();
    private final Set<String> grouping = new LinkedHashSet<>();
    private int i;

    Scanner(String s) {
      this.s = s;
    }

    PromQl scan() {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '"' || c == '\'' || c == '`') {
          skipString();
        } else if (c == '[') {
          i = s.indexOf(']', i) + 1;
        } else if (c == '{') {
          matchers(); // a selector without a name, e.g. {__name__=~"..."}
        } else if (Character.isDigit(c) || c == '.') {
          while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
          }
        } else if (isIdentStart(c)) {
          identifier();
        } else {
          i++;
        }
      }
      return new PromQl(selectors, grouping);
    }

    private void identifier() {
      String name = readIdentifier();
      char next = peek();
      if (GROUPING.contains(name)) {
        if (next == '(') {
          grouping.addAll(labelList());
        }
      } else if (next != '(' && !KEYWORDS.contains(name)) {
        Set<String> labels = selectors.computeIfAbsent(name, k -> new LinkedHashSet<>());
        if (next == '{') {
          labels.addAll(matchers());
        }
      }
    }

    /** Label names of {@code {a="x", b=~"y"}}, from the next '{' to its '}'. */
    private Set<String> matchers() {
      Set<String> labels = new LinkedHashSet<>();
      i = s.indexOf('{', i) + 1;
      while (i < s.length() && s.charAt(i) != '}') {
        char c = s.charAt(i);
        if (c == '"' || c == '\'' || c == '`') {
          skipString();
        } else if (isIdentStart(c)) {
          labels.add(readIdentifier());
        } else {
          i++;
        }
      }
      i++;
      return labels;
    }

    private Set<String> labelList() {
      Set<String> labels = new LinkedHashSet<>();
      int end = s.indexOf(')', i);
      for (String label : s.substring(s.indexOf('(', i) + 1, end).split(",")) {
        if (!label.isBlank()) {
          labels.add(label.strip());
        }
      }
      i = end + 1;
      return labels;
    }

    private String readIdentifier() {
      int start = i;
      while (i < s.length() && (isIdentStart(s.charAt(i)) || Character.isDigit(s.charAt(i)))) {
        i++;
      }
      return s.substring(start, i);
    }

    private char peek() {
      int j = i;
      while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
        j++;
      }
      return j < s.length() ? s.charAt(j) : '\0';
    }

    private void skipString() {
      char quote = s.charAt(i++);
      while (i < s.length() && s.charAt(i) != quote) {
        i += s.charAt(i) == '\\' ? 2 : 1;
      }
      i++;
    }

    private static boolean isIdentStart(char c) {
      return Character.isLetter(c) || c == '_' || c == ':';
    }
  }
}
