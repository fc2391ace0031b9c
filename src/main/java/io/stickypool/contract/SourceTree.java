package io.stickypool.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A JSON or YAML document parsed into a Jackson tree, plus the line and column where each value
 * starts, keyed by field path ({@code backends[2].port}). Jackson's own trees forget positions;
 * keeping them here lets every error point into the file a person wrote.
 *
 * <p>Parsing is stricter than Jackson's defaults: a field given twice and content after the end of
 * the document are errors rather than silently resolved. Immutable once built.
 */
public final class SourceTree {
  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final YAMLFactory YAML = YAMLFactory.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A 1-based line and column in the source text. */
  public record Position(int line, int column) {
    @Override
    public String toString() {
      return "line " + line + ", column " + column;
    }
  }

  private final JsonNode root;
  private final Map<String, Position> positions;

  private SourceTree(JsonNode root, Map<String, Position> positions) {
    this.root = root;
    this.positions = positions;
  }

  public static SourceTree parseJson(String text) throws SnapshotFormatException {
    return parse(JSON, "JSON", text);
  }

  public static SourceTree parseYaml(String text) throws SnapshotFormatException {
    return parse(YAML, "YAML", text);
  }

  /** A tree built elsewhere; errors in it carry paths but no positions. */
  public static SourceTree of(JsonNode root) {
    return new SourceTree(Objects.requireNonNull(root, "root"), Map.of());
  }

  public JsonNode root() {
    return root;
  }

  /** Where the value at {@code path} starts, if the tree was parsed from text. */
  public Optional<Position> positionOf(String path) {
    return Optional.ofNullable(positions.get(path));
  }

  /** The path of field {@code name} in the object at {@code parent}: {@code affinity.cookie}. */
  public static String fieldPath(String parent, String name) {
    return parent.isEmpty() ? name : parent + "." + name;
  }

  /** The path of element {@code index} in the array at {@code parent}: {@code backends[2]}. */
  public static String elementPath(String parent, int index) {
    return parent + "[" + index + "]";
  }

  private static SourceTree parse(JsonFactory factory, String format, String text)
      throws SnapshotFormatException {
    Objects.requireNonNull(text, "text");
    Builder builder = new Builder();
    try (JsonParser parser = factory.createParser(text)) {
      if (parser.nextToken() == null) {
        throw new SnapshotFormatException("", "empty " + format + " document", null);
      }
      JsonNode root = builder.read(parser, "");
      if (parser.nextToken() != null) {
        throw new SnapshotFormatException(
            "", "unexpected content after the end of the document",
            position(parser.currentTokenLocation()));
      }
      return new SourceTree(root, Map.copyOf(builder.positions));
    } catch (JsonProcessingException e) {
      String problem = "malformed " + format
          + (builder.lastPath.isEmpty() ? "" : " after this value") + ": "
          + oneLine(e.getOriginalMessage());
      throw new SnapshotFormatException(builder.lastPath, problem, position(e.getLocation()));
    } catch (IOException e) {
      throw new IllegalStateException("reading a String cannot fail", e);
    }
  }

  /**
   * The parser's message on one line. SnakeYAML quotes the offending source line with a caret under
   * it after each "in 'reader', line L, column C:"; the position goes at the end of ours instead.
   */
  private static String oneLine(String message) {
    return message
        .replaceAll("\\s*in 'reader', line \\d+, column \\d+:\\n[^\\n]*\\n\\s*\\^", "")
        .strip()
        .replaceAll("\\s*\\n\\s*", "; ");
  }

  private static Position position(JsonLocation location) {
    if (location == null || location.getLineNr() < 1 || location.getColumnNr() < 1) {
      return null;
    }
    return new Position(location.getLineNr(), location.getColumnNr());
  }

  /** Builds the tree from the token stream, recording where each value starts. */
  private static final class Builder {
    final Map<String, Position> positions = new HashMap<>();
    String lastPath = "";

    JsonNode read(JsonParser parser, String path) throws IOException, SnapshotFormatException {
      lastPath = path;
      Position at = position(parser.currentTokenLocation());
      if (at != null) {
        positions.put(path, at);
      }
      JsonToken token = parser.currentToken();
      switch (token) {
        case START_OBJECT:
          return readObject(parser, path);
        case START_ARRAY:
          return readArray(parser, path);
        case VALUE_STRING:
          return NODES.textNode(parser.getText());
        case VALUE_NUMBER_INT:
          return integer(parser);
        case VALUE_NUMBER_FLOAT:
          return NODES.numberNode(parser.getDoubleValue());
        case VALUE_TRUE:
        case VALUE_FALSE:
          return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
        case VALUE_NULL:
          return NODES.nullNode();
        default:
          throw new SnapshotFormatException(path, "unsupported value " + token, at);
      }
    }

    private static JsonNode integer(JsonParser parser) throws IOException {
      switch (parser.getNumberType()) {
        case INT:
          return NODES.numberNode(parser.getIntValue());
        case LONG:
          return NODES.numberNode(parser.getLongValue());
        default:
          return NODES.numberNode(parser.getBigIntegerValue());
      }
    }

    private ObjectNode readObject(JsonParser parser, String path)
        throws IOException, SnapshotFormatException {
      ObjectNode object = NODES.objectNode();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        String child = fieldPath(path, name);
        if (object.has(name)) {
          throw new SnapshotFormatException(
              child, "field given twice", position(parser.currentTokenLocation()));
        }
        parser.nextToken();
        object.set(name, read(parser, child));
      }
      return object;
    }

    private ArrayNode readArray(JsonParser parser, String path)
        throws IOException, SnapshotFormatException {
      ArrayNode array = NODES.arrayNode();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        array.add(read(parser, elementPath(path, array.size())));
      }
      return array;
    }
  }
}
