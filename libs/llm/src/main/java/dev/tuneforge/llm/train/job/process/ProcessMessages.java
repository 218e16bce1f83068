package dev.tuneforge.llm.train.job.process;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tuneforge.llm.train.EvalReport;
import dev.tuneforge.llm.train.StepReport;
import dev.tuneforge.llm.train.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The line protocol between a job process and its parent. The child writes one line per event on
 * its stdout: {@link #PREFIX} then a JSON object whose {@code type} is {@code step}, {@code
 * evaluation}, {@code checkpoint}, {@code message}, {@code result} or {@code failed}; any other
 * line on stdout (a native library's or the JVM's own output) is not a message. The parent writes
 * plain command lines on the child's stdin: {@link #CANCEL}, {@link #CHECKPOINT_SAVED} or {@link
 * #CHECKPOINT_FAILED} with the step.
 */
public final class ProcessMessages {

  /** Marks a message line among whatever else a native library prints on stdout. */
  public static final String PREFIX = "@tuneforge-job ";

  /** Parent → child: stop within one optimizer step. */
  public static final String CANCEL = "cancel";

  /** Parent → child: the checkpoint of the step that follows was stored; training goes on. */
  public static final String CHECKPOINT_SAVED = "checkpoint-saved";

  /** Parent → child: storing the checkpoint failed (step, then the reason); the run fails. */
  public static final String CHECKPOINT_FAILED = "checkpoint-failed";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ProcessMessages() {}

  static String step(StepReport r) {
    return line(message("step").set("report", JSON.valueToTree(r)));
  }

  static String evaluation(EvalReport r) {
    return line(message("evaluation").set("report", JSON.valueToTree(r)));
  }

  static String checkpoint(long step, Path dir) {
    return line(message("checkpoint").put("step", step).put("dir", dir.toString()));
  }

  static String text(String text) {
    return line(message("message").put("text", text));
  }

  static String result(TrainingResult r) {
    ObjectNode m =
        message("result")
            .put("steps", r.steps())
            .put("resumed_from", r.resumedFrom())
            .put("stopped_early", r.stoppedEarly())
            .put("interrupted", r.interrupted())
            .put("output", r.output() == null ? null : r.output().toString());
    r.losses().forEach(m.putArray("losses")::add);
    m.set("evaluations", JSON.valueToTree(r.evaluations()));
    return line(m);
  }

  /**
   * A run that ended with an exception: its class's simple name, its message, and the config key of
   * a {@code JobConfigException}.
   */
  static String failed(String error, String message, String key) {
    return line(message("failed").put("error", error).put("message", message).put("key", key));
  }

  /** The message of a line, or null when the line is not one. */
  static JsonNode parse(String line) {
    if (!line.startsWith(PREFIX)) {
      return null;
    }
    try {
      JsonNode m = JSON.readTree(line.substring(PREFIX.length()));
      return m != null && m.isObject() && m.path("type").isTextual() ? m : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  static StepReport stepReport(JsonNode m) {
    return convert(m.get("report"), StepReport.class);
  }

  static EvalReport evalReport(JsonNode m) {
    return convert(m.get("report"), EvalReport.class);
  }

  static TrainingResult trainingResult(JsonNode m) {
    List<Double> losses = new ArrayList<>();
    m.path("losses").forEach(l -> losses.add(number(l)));
    List<EvalReport> evaluations = new ArrayList<>();
    m.path("evaluations").forEach(e -> evaluations.add(convert(e, EvalReport.class)));
    return new TrainingResult(
        m.path("steps").asLong(),
        m.path("resumed_from").asLong(),
        List.copyOf(losses),
        List.copyOf(evaluations),
        m.path("stopped_early").asBoolean(),
        m.path("interrupted").asBoolean(),
        m.path("output").isTextual() ? Path.of(m.path("output").asText()) : null);
  }

  /** A number as written: Jackson writes NaN and the infinities as strings. */
  private static double number(JsonNode n) {
    return n.isNumber() ? n.asDouble() : Double.parseDouble(n.asText());
  }

  private static <T> T convert(JsonNode n, Class<T> type) {
    try {
      return JSON.treeToValue(n, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + n, e);
    }
  }

  private static ObjectNode message(String type) {
    return JSON.createObjectNode().put("type", type);
  }

  private static String line(ObjectNode m) {
    return PREFIX + m;
  }
}
