package io.stickypool.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refused document names the offending field and what was expected. */
class RoutingSnapshotBadInputTest {
  private static final String B = "{'id': 'a', 'host': '10.0.0.1', 'port': 8080";

  private final RoutingSnapshotCodec codec = new RoutingSnapshotCodec();

  static Stream<Arguments> badDocuments() {
    return Stream.of(
        bad("port of the wrong type", "{'backends': [{'id': 'a', 'host': 'h', 'port': '8080'}]}",
            "backends[0].port: expected an integer 1..65535, got string \"8080\""),
        bad("backend without id", "{'backends': [" + B + "}, {'host': 'h', 'port': 80}]}",
            "backends[1].id: required field is missing"),
        bad("duplicate backend id", "{'backends': [" + B + "}, " + B + "}]}",
            "backends[1].id: 'a' is listed twice (also at backends[0])"),
        bad("port out of range", "{'backends': [{'id': 'a', 'host': 'h', 'port': 0}]}",
            "backends[0].port: 0 is not 1..65535"),
        bad("weight out of range", "{'backends': [" + B + ", 'weight': 1001}]}",
            "backends[0].weight: 1001 is not 1..1000"),
        bad("unknown backend field", "{'backends': [" + B + ", 'prot': 80}]}",
            "backends[0].prot: unknown field; expected one of id, host, port, weight, state,"
                + " drainDeadline"),
        bad("unknown top-level field", "{'backend': []}",
            "backend: unknown field; expected one of schemaVersion, version, affinity,"
                + " placement, backends"),
        bad("misspelt cookie field", "{'affinity': {'cookie': {'idleTimout': '1m'}}, 'backends': []}",
            "affinity.cookie.idleTimout: unknown field"),
        bad("bad duration",
            "{'affinity': {'cookie': {'idleTimeout': '30 minutes'}}, 'backends': []}",
            "affinity.cookie.idleTimeout: '30 minutes' is not a duration"),
        bad("zero duration refused by core",
            "{'affinity': {'cookie': {'idleTimeout': '0s'}}, 'backends': []}",
            "affinity.cookie: idleTimeout must be positive"),
        bad("SameSite=None without Secure",
            "{'affinity': {'cookie': {'sameSite': 'None'}}, 'backends': []}",
            "affinity.cookie: SameSite=None needs Secure"),
        bad("Draining without deadline", "{'backends': [" + B + ", 'state': 'Draining'}]}",
            "backends[0].drainDeadline: required when state is Draining"),
        bad("deadline that is not RFC 3339",
            "{'backends': [" + B + ", 'state': 'Draining', 'drainDeadline': '2025-06-01 12:00'}]}",
            "backends[0].drainDeadline: '2025-06-01 12:00' is not an RFC 3339 timestamp"),
        bad("unknown backend state", "{'backends': [" + B + ", 'state': 'DRAINING'}]}",
            "backends[0].state: \"DRAINING\" is not one of Active, Draining, Drained, Unavailable"),
        bad("unknown affinity type", "{'affinity': {'type': 'Sticky'}, 'backends': []}",
            "affinity.type: \"Sticky\" is not one of Cookie, Header, ClientIP, AppCookie"),
        bad("header mode without header",
            "{'affinity': {'type': 'Header'}, 'backends': []}",
            "affinity.header: required field is missing"),
        bad("header block in another mode",
            "{'affinity': {'type': 'Cookie', 'header': {'name': 'X-S'}}, 'backends': []}",
            "affinity.header: only allowed when type is Header"),
        bad("header name that is not a token",
            "{'affinity': {'type': 'Header', 'header': {'name': 'X S'}}, 'backends': []}",
            "affinity.header.name: HEADER affinity needs a valid header name"),
        bad("trusted proxy that is not a CIDR block",
            "{'affinity': {'type': 'ClientIP', 'clientIP': {'trustedProxies': ['10.0.0.0/8',"
                + " '10.0.0.0/33']}}, 'backends': []}",
            "affinity.clientIP.trustedProxies[1]: '10.0.0.0/33' is not a CIDR block"),
        bad("bounded load factor out of range",
            "{'placement': {'boundedLoadFactor': 0.5}, 'backends': []}",
            "placement.boundedLoadFactor: boundedLoadFactor 0.5 is not within 1.0..10.0"),
        bad("backend id with a space", "{'backends': [{'id': 'a b', 'host': 'h', 'port': 80}]}",
            "backends[0].id: backend id 'a b' has a character not allowed at index 1"),
        bad("blank host", "{'backends': [{'id': 'a', 'host': ' ', 'port': 80}]}",
            "backends[0].host: must not be blank"),
        bad("negative version", "{'version': -1, 'backends': []}",
            "version: -1 is not 0 or more"),
        bad("missing backends", "{'version': 1}", "backends: required field is missing"),
        bad("backends not a list", "{'backends': {}}",
            "backends: expected an array, got an object"),
        bad("wrong schemaVersion", "{'schemaVersion': 2, 'backends': []}",
            "schemaVersion: 2 is not supported; this build reads schemaVersion 1 only"),
        bad("document that is not an object", "[]", "snapshot: expected an object, got an array"),
        bad("field given twice", "{'backends': [], 'backends': []}",
            "backends: field given twice"),
        bad("content after the document", "{'backends': []} {}",
            "snapshot: unexpected content after the end of the document"),
        bad("empty document", "  ", "snapshot: empty JSON document"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badDocuments")
  void namesTheFieldAndWhatWasExpected(String name, String json, String message) {
    assertThat(failure(json.replace('\'', '"'))).hasMessageStartingWith(message);
  }

  @Test
  void pointsAtLineAndColumnOfTheValue() {
    String json = """
        {
          "schemaVersion": 1,
          "version": 1,
          "backends": [
            {
              "id": "a",
              "host": "10.0.0.1",
              "port": 8080
            },
            {"id": "b", "host": "10.0.0.2", "port": 8080},
            {
              "id": "c",
              "host": "10.0.0.3",
              "port": 70000
            }
          ]
        }
        """;

    SnapshotFormatException e = failure(json);

    assertThat(e).hasMessage("backends[2].port: 70000 is not 1..65535 (line 14, column 15)");
    assertThat(e.path()).isEqualTo("backends[2].port");
    assertThat(e.line()).hasValue(14);
    assertThat(e.column()).hasValue(15);
  }

  @Test
  void placesAMissingFieldAtItsObject() {
    String json = "{\n  \"backends\": [\n    {\"host\": \"h\", \"port\": 80}\n  ]\n}\n";

    assertThat(failure(json))
        .hasMessage("backends[0].id: required field is missing (line 3, column 5)");
  }

  @Test
  void reportsMalformedJsonWithLineAndColumn() {
    String json = "{\n  \"version\": 1\n  \"backends\": []\n}\n";

    SnapshotFormatException e = failure(json);

    assertThat(e.getMessage())
        .startsWith("version: malformed JSON after this value: Unexpected character ('\"'")
        .endsWith("(line 3, column 3)");
  }

  @Test
  void reportsYamlErrorsWithLineAndColumn() {
    String yaml = """
        backends:
          - id: a
            host: 10.0.0.1
            port: http
        """;

    SnapshotFormatException e =
        catchThrowableOfType(SnapshotFormatException.class, () -> codec.fromYaml(yaml));

    assertThat(e).hasMessage(
        "backends[0].port: expected an integer 1..65535, got string \"http\" (line 4, column 11)");
  }

  @Test
  void reportsMalformedYamlWithLineAndColumn() {
    String yaml = "backends:\n  - id: a\n   host: b\n";

    SnapshotFormatException e =
        catchThrowableOfType(SnapshotFormatException.class, () -> codec.fromYaml(yaml));

    assertThat(e.getMessage()).contains("malformed YAML").containsPattern("\\(line 3, column \\d+\\)$");
  }

  private SnapshotFormatException failure(String json) {
    return catchThrowableOfType(SnapshotFormatException.class, () -> codec.fromJson(json));
  }

  private static Arguments bad(String name, String json, String message) {
    return Arguments.of(name, json, message);
  }
}
