package dev.tuneforge.cli.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tuneforge.cli.client.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The body of {@code POST /v1/fine_tuning/jobs} as {@code jobs create} builds it: the request file
 * ({@code -f job.yaml}: the API's own fields in YAML or JSON) first, then each flag replacing its
 * field. Only the shape is checked here; the server validates the content and names the field.
 */
public final class JobRequest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode body;

  private JobRequest(ObjectNode body) {
    this.body = body;
  }

  public static JobRequest empty() {
    return new JobRequest(JSON.createObjectNode());
  }

  /** The request file; an error names the file and, for a syntax error, the line. */
  public static JobRequest read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new IllegalArgumentException(
          file
              + (at == null ? "" : ": line " + at.getLineNr())
              + ": not valid YAML or JSON: "
              + e.getOriginalMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException(
          file + ": expected a mapping of the job's fields (model, training_file, …)");
    }
    return new JobRequest((ObjectNode) tree);
  }

  /** Sets a top-level field unless {@code value} is null. */
  public JobRequest set(String field, Object value) {
    if (value != null) {
      body.set(field, JSON.valueToTree(value));
    }
    return this;
  }

  /** Sets {@code parent.field} (an object is created when absent) unless {@code value} is null. */
  public JobRequest set(String parent, String field, Object value) {
    if (value == null) {
      return this;
    }
    JsonNode p = body.get(parent);
    if (p != null && !p.isNull() && !p.isObject()) {
      throw new IllegalArgumentException(
          "'"
              + parent
              + "' in the request file is not a mapping, so --"
              + field
              + " cannot go in it");
    }
    ObjectNode o = p == null || p.isNull() ? body.putObject(parent) : (ObjectNode) p;
    o.set(field, JSON.valueToTree(value));
    return this;
  }

  /** {@code KEY=VALUE} pairs into {@code parent}, values typed as JSON would carry them. */
  public JobRequest setAll(String parent, Map<String, String> values, boolean typed) {
    values.forEach((k, v) -> set(parent, k, typed ? Values.typed(v) : v));
    return this;
  }

  public boolean has(String field) {
    return body.hasNonNull(field);
  }

  public ObjectNode body() {
    return body;
  }
}
