package dev.tuneforge.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} to and from {@link ArtifactManifest}. Written by hand on Jackson's tree
 * model, so a bad manifest is refused with the field that is wrong ({@code files[2].sha256}) and
 * the output is byte-stable (fixed field order, metadata keys sorted).
 */
public final class ManifestCodec {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private ManifestCodec() {}

  public static ObjectNode toTree(ArtifactManifest m) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", ArtifactManifest.SCHEMA_VERSION);
    root.put("kind", m.kind().id());
    root.put("createdAt", m.createdAt().toString());
    ArrayNode files = root.putArray("files");
    for (ManifestEntry e : m.files()) {
      files.addObject().put("path", e.path()).put("sha256", e.sha256()).put("bytes", e.bytes());
    }
    ObjectNode metadata = root.putObject("metadata");
    m.metadata().forEach(metadata::set);
    return root;
  }

  public static byte[] encode(ArtifactManifest m) {
    try {
      return JSON.writeValueAsBytes(toTree(m));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode manifest: " + e.getMessage(), e);
    }
  }

  /**
   * An artifact's identity: the sha256 of its manifest as {@link #encode} writes it, so as it is
   * stored (what {@code TrainingCompleted.outputSha256} and the registry's lineage carry).
   */
  public static String sha256(ArtifactManifest m) {
    return Sha256.of(encode(m));
  }

  /**
   * Decodes {@code json}; {@code source} (a path or an s3:// URI) goes into every error message.
   */
  public static ArtifactManifest decode(byte[] json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new InvalidManifestException(
          source,
          "not JSON: "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()),
          e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidManifestException(source, "expected a JSON object", null);
    }
    JsonNode version = root.path("schemaVersion");
    if (!version.isInt() || version.intValue() != ArtifactManifest.SCHEMA_VERSION) {
      throw new InvalidManifestException(
          source,
          "schemaVersion must be "
              + ArtifactManifest.SCHEMA_VERSION
              + ", was "
              + (version.isMissingNode() ? "absent" : version.toString()),
          null);
    }
    try {
      ArtifactKind kind = ArtifactKind.parse(text(root, "kind", source));
      Instant createdAt;
      try {
        createdAt = Instant.parse(text(root, "createdAt", source));
      } catch (DateTimeParseException e) {
        throw new InvalidManifestException(
            source, "createdAt is not an ISO-8601 instant: " + root.get("createdAt"), e);
      }
      JsonNode filesNode = root.path("files");
      if (!filesNode.isArray()) {
        throw new InvalidManifestException(source, "files must be an array", null);
      }
      List<ManifestEntry> files = new ArrayList<>();
      for (int i = 0; i < filesNode.size(); i++) {
        JsonNode f = filesNode.get(i);
        String at = "files[" + i + "]";
        if (!f.path("bytes").canConvertToExactIntegral() || !f.path("bytes").isIntegralNumber()) {
          throw new InvalidManifestException(source, at + ".bytes must be an integer", null);
        }
        try {
          files.add(
              new ManifestEntry(
                  text(f, "path", source, at),
                  text(f, "sha256", source, at),
                  f.get("bytes").asLong()));
        } catch (IllegalArgumentException e) {
          throw new InvalidManifestException(source, at + ": " + e.getMessage(), e);
        }
      }
      JsonNode metaNode = root.path("metadata");
      Map<String, JsonNode> metadata = new LinkedHashMap<>();
      if (!metaNode.isMissingNode() && !metaNode.isNull()) {
        if (!metaNode.isObject()) {
          throw new InvalidManifestException(source, "metadata must be an object", null);
        }
        metaNode.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue()));
      }
      return new ArtifactManifest(kind, createdAt, files, metadata);
    } catch (InvalidManifestException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new InvalidManifestException(source, e.getMessage(), e);
    }
  }

  /** Converts writer-side metadata (maps, lists, numbers, records) to JSON nodes. */
  static Map<String, JsonNode> toNodes(Map<String, ?> metadata) {
    Map<String, JsonNode> nodes = new LinkedHashMap<>();
    if (metadata != null) {
      metadata.forEach((k, v) -> nodes.put(k, JSON.valueToTree(v)));
    }
    return nodes;
  }

  private static String text(JsonNode node, String field, String source) {
    return text(node, field, source, null);
  }

  private static String text(JsonNode node, String field, String source, String at) {
    JsonNode v = node.path(field);
    if (!v.isTextual()) {
      throw new InvalidManifestException(
          source, (at == null ? "" : at + ".") + field + " must be a string", null);
    }
    return v.textValue();
  }
}
