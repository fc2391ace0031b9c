package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates x-kubernetes-validations rules with cel-java, the way the API server does: {@code
 * self} is the (defaulted) value at the node that carries the rule. The rules here use only
 * standard CEL (has, all, matches), so no Kubernetes CEL library is needed.
 */
final class CelRules {
  private final CelCompiler compiler =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private final Map<String, CelRuntime.Program> programs = new HashMap<>();

  /** True when {@code rule} holds for {@code self}; a rule that does not compile fails the test. */
  boolean holds(String rule, JsonNode self) {
    try {
      Object result = program(rule).eval(Map.of("self", toCel(self)));
      return Boolean.TRUE.equals(result);
    } catch (CelEvaluationException e) {
      throw new IllegalStateException("CEL rule failed to evaluate: " + rule, e);
    }
  }

  private CelRuntime.Program program(String rule) {
    return programs.computeIfAbsent(rule, r -> {
      try {
        CelAbstractSyntaxTree ast = compiler.compile(r).getAst();
        return runtime.createProgram(ast);
      } catch (CelValidationException | CelEvaluationException e) {
        throw new IllegalStateException("CEL rule does not compile: " + r, e);
      }
    });
  }

  /** CEL wants Long/Double/String/Boolean, List and Map; Jackson's ints are Integers. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }
}
