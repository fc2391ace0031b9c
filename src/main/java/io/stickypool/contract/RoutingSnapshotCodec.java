package io.stickypool.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.util.Objects;
import java.util.Set;

/**
 * The routing snapshot's wire form, the contract between the operator (writes it into a ConfigMap)
 * and the proxy (reads it from there, or from a YAML file of the same shape). The format, its
 * defaults and its constraints are described in docs/routing-snapshot.md.
 *
 * <p>Writing is deterministic: two-space indentation, {@code \n} line ends, a fixed field order,
 * backends sorted by id, no null fields, a final newline. Reading is strict: unknown fields, wrong
 * types and values the core types refuse all fail with a {@link SnapshotFormatException} naming the
 * field path and, for parsed text, the line and column.
 *
 * <p>Immutable and thread-safe; one instance can serve a whole process.
 */
public final class RoutingSnapshotCodec {
  /** The {@code schemaVersion} this codec writes and the only one it reads. */
  public static final int SCHEMA_VERSION = SnapshotReader.SCHEMA_VERSION;

  private final ObjectWriter json;

  public RoutingSnapshotCodec() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""))
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter);
    this.json = new ObjectMapper().writer(printer);
  }

  /**
   * The canonical JSON text, ending in a newline.
   *
   * @throws IllegalArgumentException if a cookie timeout has no GEP-2257 form (finer than a
   *     millisecond or longer than 99999h); see {@link GoDurations#format}
   */
  public String toJson(RoutingSnapshot snapshot) {
    try {
      return json.writeValueAsString(toTree(snapshot)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing a tree of plain values cannot fail", e);
    }
  }

  /** The document as a tree, for embedding it elsewhere or writing it as YAML. */
  public ObjectNode toTree(RoutingSnapshot snapshot) {
    return SnapshotWriter.write(Objects.requireNonNull(snapshot, "snapshot"));
  }

  public RoutingSnapshot fromJson(String json) throws SnapshotFormatException {
    return fromTree(SourceTree.parseJson(json), Set.of());
  }

  /** Reads a YAML document of the same shape as the JSON form. */
  public RoutingSnapshot fromYaml(String yaml) throws SnapshotFormatException {
    return fromTree(SourceTree.parseYaml(yaml), Set.of());
  }

  /** Reads a tree built elsewhere; errors name the field path but carry no line and column. */
  public RoutingSnapshot fromTree(JsonNode root) throws SnapshotFormatException {
    return fromTree(SourceTree.of(root), Set.of());
  }

  /**
   * Reads a snapshot that shares its document with other settings, such as the proxy's standalone
   * YAML file, which adds its listener settings beside the snapshot's fields.
   *
   * @param foreignTopLevelFields top-level fields another reader owns; they are skipped here
   *     instead of being refused as unknown
   */
  public RoutingSnapshot fromTree(SourceTree document, Set<String> foreignTopLevelFields)
      throws SnapshotFormatException {
    return SnapshotReader.read(
        Objects.requireNonNull(document, "document"), Set.copyOf(foreignTopLevelFields));
  }
}
