package dev.tuneforge.registry.adapters;

import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.registry.state.AdapterView;
import dev.tuneforge.registry.state.PromotionRecord;
import dev.tuneforge.registry.state.VersionView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of adapters and versions in the registry API (snake_case, as OpenAI's). */
public final class AdapterJson {
  private AdapterJson() {}

  public static Map<String, Object> adapter(AdapterView a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", a.name());
    m.put("object", "registry.adapter");
    m.put("name", a.name());
    m.put("team", a.team());
    m.put("base_model", a.latest().training().baseModel());
    m.put("latest_version", a.latest().ref().version());
    m.put("aliases", a.aliases());
    m.put("created_at", a.versions().get(0).createdAt().getEpochSecond());
    m.put("versions", a.versions().stream().map(AdapterJson::summary).toList());
    return m;
  }

  public static Map<String, Object> summary(VersionView v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", v.ref().version());
    m.put("stage", v.stage().wireName());
    m.put("aliases", v.aliases());
    m.put("fine_tuned_model", v.fineTunedModel());
    m.put("evaluation_passed", v.evaluation() == null ? null : v.evaluation().passed());
    return m;
  }

  public static Map<String, Object> version(VersionView v) {
    TrainingCompleted t = v.training();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", v.ref().name() + "@" + v.ref().version());
    m.put("object", "registry.version");
    m.put("name", v.ref().name());
    m.put("version", v.ref().version());
    m.put("team", v.ref().team());
    m.put("fine_tuned_model", v.fineTunedModel());
    m.put("stage", v.stage().wireName());
    m.put("aliases", v.aliases());
    m.put("created_at", v.createdAt().getEpochSecond());
    m.put("job_id", t.jobId());
    m.put("method", t.method());
    m.put("base_model", t.baseModel());
    m.put("base_revision", t.baseRevision());
    m.put("dataset", dataset(t));
    m.put("artifact", Map.of("uri", t.outputUri(), "sha256", String.valueOf(t.outputSha256())));
    m.put("config", t.config());
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("steps", t.steps());
    training.put("trained_tokens", t.trainedTokens());
    training.put("final_loss", t.finalLoss());
    training.put("wall_time_seconds", t.wallTimeSeconds());
    training.put("metrics", t.metrics());
    m.put("training", training);
    m.put("evaluation", evaluation(v.evaluation()));
    if (v.archived()) {
      m.put("archived_by", v.archivedBy());
      m.put("archive_reason", v.archiveReason());
    }
    m.put("history", v.promotions().stream().map(AdapterJson::promotion).toList());
    return m;
  }

  /** base → dataset → job → evaluation → exports, each with its sha256. */
  public static Map<String, Object> lineage(
      VersionView v, String baseSha256, List<Map<String, Object>> exports) {
    TrainingCompleted t = v.training();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("object", "registry.lineage");
    m.put("id", v.ref().name() + "@" + v.ref().version());
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("model", t.baseModel());
    base.put("revision", t.baseRevision());
    base.put("sha256", baseSha256);
    m.put("base", base);
    m.put("dataset", dataset(t));
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("id", t.jobId());
    job.put("method", t.method());
    job.put("output_uri", t.outputUri());
    job.put("sha256", t.outputSha256());
    job.put("config", t.config());
    m.put("job", job);
    m.put("evaluation", evaluation(v.evaluation()));
    m.put("exports", exports);
    return m;
  }

  private static Map<String, Object> dataset(TrainingCompleted t) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("name", t.datasetName());
    d.put("version", t.datasetVersion());
    d.put("sha256", t.datasetSha256());
    d.put("validation_uri", t.validationUri());
    return d;
  }

  private static Map<String, Object> evaluation(EvaluationCompleted e) {
    if (e == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.evaluationId());
    m.put("suite", e.suite());
    m.put("passed", e.passed());
    m.put("reasons", e.reasons());
    m.put("metrics", e.metrics());
    m.put("base_metrics", e.baseMetrics());
    m.put("deltas", e.deltas());
    m.put("report_uri", e.reportUri());
    return m;
  }

  private static Map<String, Object> promotion(PromotionRecord p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alias", p.alias());
    m.put("previous_version", p.previous());
    m.put("by", p.by());
    m.put("role", p.role());
    m.put("forced", p.forced());
    m.put("reason", p.reason());
    m.put("at", p.at().getEpochSecond());
    return m;
  }
}
