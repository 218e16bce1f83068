package dev.tuneforge.registry.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.registry.state.VersionView;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A version's model card: {@code README.md} in Hugging Face's format, YAML front matter ({@code
 * base_model}, {@code library_name}, {@code tags}, {@code datasets}) followed by the lineage, the
 * metrics (tuned, base, delta when evaluated) and the full training config.
 */
public final class ModelCard {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private ModelCard() {}

  public static String render(VersionView v) {
    TrainingCompleted t = v.training();
    boolean adapter = !"full".equals(t.method());
    StringBuilder md = new StringBuilder();
    md.append("---\n");
    md.append("base_model: ").append(q(t.baseModel())).append('\n');
    md.append("library_name: ").append(adapter ? "peft" : "transformers").append('\n');
    md.append("tags:\n");
    for (String tag :
        new TreeSet<>(java.util.List.of("tuneforge", t.method(), "text-generation"))) {
      md.append("- ").append(q(tag)).append('\n');
    }
    if (adapter) {
      md.append("- ").append(q("base_model:adapter:" + t.baseModel())).append('\n');
    }
    if (t.datasetName() != null) {
      md.append("datasets:\n- ").append(q(t.datasetName())).append('\n');
    }
    md.append("---\n\n");
    md.append("# ").append(v.ref().name()).append(" v").append(v.ref().version()).append("\n\n");
    md.append("`")
        .append(v.fineTunedModel())
        .append("` — ")
        .append(t.method())
        .append(" fine-tune of `")
        .append(t.baseModel())
        .append(t.baseRevision() == null ? "" : "@" + t.baseRevision())
        .append("`, stage **")
        .append(v.stage().wireName())
        .append("**.\n\n");
    md.append("## Lineage\n\n");
    md.append("| | |\n| --- | --- |\n");
    row(md, "team", t.team());
    row(md, "base model", t.baseModel() + (t.baseRevision() == null ? "" : "@" + t.baseRevision()));
    if (t.datasetName() != null) {
      row(
          md,
          "dataset",
          t.datasetName()
              + "@"
              + t.datasetVersion()
              + (t.datasetSha256() == null ? "" : " (sha256 " + t.datasetSha256() + ")"));
    }
    row(md, "job", t.jobId());
    row(
        md,
        "artifact",
        t.outputUri()
            + (t.outputSha256() == null ? "" : " (manifest sha256 " + t.outputSha256() + ")"));
    row(md, "created", v.createdAt().toString());
    md.append("\n## Training\n\n");
    md.append("| | |\n| --- | --- |\n");
    row(md, "steps", Long.toString(t.steps()));
    row(md, "trained tokens", Long.toString(t.trainedTokens()));
    row(md, "final loss", Double.toString(t.finalLoss()));
    row(md, "wall time (s)", Double.toString(t.wallTimeSeconds()));
    for (var e : new TreeMap<>(t.metrics()).entrySet()) {
      row(md, e.getKey(), Double.toString(e.getValue()));
    }
    EvaluationCompleted ev = v.evaluation();
    md.append("\n## Evaluation\n\n");
    if (ev == null) {
      md.append("Not evaluated yet.\n");
    } else {
      md.append("Evaluation `")
          .append(ev.evaluationId())
          .append("`")
          .append(ev.suite() == null ? "" : " (suite " + ev.suite() + ")")
          .append(": **")
          .append(ev.passed() ? "passed" : "failed")
          .append("**. Report: ")
          .append(ev.reportUri())
          .append("\n\n| metric | tuned | base | delta |\n| --- | --- | --- | --- |\n");
      for (var e : new TreeMap<>(ev.metrics()).entrySet()) {
        md.append("| ")
            .append(e.getKey())
            .append(" | ")
            .append(e.getValue())
            .append(" | ")
            .append(ev.baseMetrics().get(e.getKey()))
            .append(" | ")
            .append(ev.deltas().get(e.getKey()))
            .append(" |\n");
      }
      for (String r : ev.reasons()) {
        md.append("\n- ").append(r);
      }
      if (!ev.reasons().isEmpty()) {
        md.append('\n');
      }
    }
    md.append("\n## Config\n\n```json\n");
    try {
      md.append(
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(new TreeMap<>(t.config())));
    } catch (JsonProcessingException e) {
      md.append(String.valueOf(t.config()));
    }
    md.append("\n```\n");
    return md.toString();
  }

  private static void row(StringBuilder md, String k, String v) {
    md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
  }

  /** A YAML scalar: a JSON string is valid YAML and quotes whatever the value contains. */
  private static String q(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
