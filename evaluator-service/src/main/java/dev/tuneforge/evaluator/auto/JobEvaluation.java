package dev.tuneforge.evaluator.auto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.evaluator.Parsed;
import dev.tuneforge.evaluator.gate.GatePolicy;
import dev.tuneforge.evaluator.gate.GateReason;
import dev.tuneforge.evaluator.report.Comparison;
import dev.tuneforge.evaluator.report.EvaluationReport;
import dev.tuneforge.evaluator.report.ReportJson;
import dev.tuneforge.evaluator.run.EvaluationInputs;
import dev.tuneforge.evaluator.run.EvaluationSettings;
import dev.tuneforge.evaluator.run.ModelEvaluation;
import dev.tuneforge.evaluator.run.ModelEvaluator;
import dev.tuneforge.evaluator.run.ValidationRecord;
import dev.tuneforge.evaluator.run.ValidationSplit;
import dev.tuneforge.evaluator.service.ArtifactFolders;
import dev.tuneforge.evaluator.service.LoadedModel;
import dev.tuneforge.evaluator.suite.Suite;
import dev.tuneforge.evaluator.suite.SuiteParser;
import dev.tuneforge.evaluator.suites.StoredSuite;
import dev.tuneforge.evaluator.suites.SuiteCatalog;
import dev.tuneforge.events.EvaluationCompleted;
import dev.tuneforge.events.EvaluationRequested;
import dev.tuneforge.events.EvaluationTrigger;
import dev.tuneforge.events.TrainingCompleted;
import dev.tuneforge.llm.eval.RetentionCorpus;
import dev.tuneforge.storage.BucketLayout;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Evaluates one finished run against its base: fetches the base model, the run's output (adapter or
 * full model) and its validation split through the artifact layer (every file's sha256 verified),
 * evaluates base and tuned on the same inputs, gates the tuned model, and stores the report (JSON
 * and the per-case table) as an artifact under {@code evaluations/<id>/}. Throws, with a message
 * naming the input, when an input is missing or bad.
 */
@ApplicationScoped
public class JobEvaluation {

  /** The name of the validation split in the artifact {@code validationUri} points at. */
  public static final String VALIDATION_FILE = "validation.jsonl";

  /** The key of a job's own gate thresholds in {@code TrainingCompleted.config}. */
  public static final String GATE_CONFIG = "evaluation_gate";

  /** A base model's default regression suite, in its folder beside retention.jsonl. */
  public static final String DEFAULT_SUITE_FILE = "evaluation_suite.yaml";

  /** A curated dataset's training records, scored when it holds no validation records. */
  public static final String TRAIN_FILE = "train.jsonl";

  public static final String REPORT_FILE = "report.json";
  public static final String CASES_FILE = "cases.jsonl";

  @Inject ArtifactFolders folders;
  @Inject ArtifactStore artifacts;
  @Inject SuiteCatalog suites;
  @Inject BaseEvaluations baseEvaluations;
  @Inject ObjectMapper json;

  @ConfigProperty(name = "tuneforge.evaluator.max-new-tokens", defaultValue = "128")
  int maxNewTokens;

  @ConfigProperty(name = "tuneforge.evaluator.batch-size", defaultValue = "8")
  int batchSize;

  public EvaluationCompleted evaluate(String evaluationId, TrainingCompleted t) {
    String revision = t.baseRevision() == null ? BucketLayout.DEFAULT_REVISION : t.baseRevision();
    String basePrefix = BucketLayout.model(t.baseModel(), revision);
    if (!artifacts.exists(basePrefix)) {
      throw new IllegalArgumentException(
          "baseModel: no model '"
              + t.baseModel()
              + "' revision '"
              + revision
              + "' at "
              + artifacts.objects().uri(basePrefix));
    }
    String outputPrefix = folders.prefixOf(t.outputUri(), "outputUri");
    if (!artifacts.exists(outputPrefix)) {
      throw new IllegalArgumentException(
          "outputUri: no complete artifact (manifest.json) at " + t.outputUri());
    }
    if (t.outputSha256() != null) {
      String actual = folders.manifestSha256(outputPrefix);
      if (!actual.equalsIgnoreCase(t.outputSha256())) {
        throw new IllegalArgumentException(
            "outputSha256: the manifest at "
                + t.outputUri()
                + " has sha256 "
                + actual
                + ", the event names "
                + t.outputSha256());
      }
    }
    GatePolicy jobGate = jobGate(t.config());
    Path baseDir = folders.fetch(basePrefix);
    Suite suite = suite(t, baseDir);
    Validation validation =
        t.validationUri() == null
            ? Validation.NONE
            : validation(folders.prefixOf(t.validationUri(), "validationUri"), t.validationUri());
    return evaluate(
        new Subject(
            evaluationId,
            t.team(),
            t.jobId(),
            EvaluationTrigger.TRAINING_COMPLETED,
            basePrefix,
            baseDir,
            folders.fetch(outputPrefix),
            t.outputUri(),
            suite,
            jobGate,
            validation));
  }

  /**
   * An on-demand evaluation ({@code POST /v1/evaluations}) of what {@code r} names, the same way: a
   * run's output against its base, or a base model on its own (its figures are then its base's too,
   * and every delta is zero).
   */
  public EvaluationCompleted evaluate(EvaluationRequested r) {
    String basePrefix = folders.prefixOf(r.baseModelUri(), "baseModelUri");
    if (!artifacts.exists(basePrefix)) {
      throw new IllegalArgumentException("model: no base model at " + r.baseModelUri());
    }
    Path baseDir = folders.fetch(basePrefix);
    Path outputDir = null;
    if (r.outputUri() != null) {
      String outputPrefix = folders.prefixOf(r.outputUri(), "outputUri");
      if (!artifacts.exists(outputPrefix)) {
        throw new IllegalArgumentException(
            "model: no complete artifact (manifest.json) at " + r.outputUri());
      }
      outputDir = folders.fetch(outputPrefix);
    }
    Suite suite = null;
    if (r.suite() != null) {
      suite =
          suites
              .resolve(r.team(), r.suite())
              .map(StoredSuite::suite)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "suite: team '" + r.team() + "' has no suite '" + r.suite() + "'"));
    }
    Validation validation =
        r.datasetUri() == null
            ? Validation.NONE
            : datasetRecords(folders.prefixOf(r.datasetUri(), "dataset"), r.datasetUri());
    return evaluate(
        new Subject(
            r.evaluationId(),
            r.team(),
            r.jobId(),
            EvaluationTrigger.ON_DEMAND,
            basePrefix,
            baseDir,
            outputDir,
            r.outputUri() == null ? r.baseModelUri() : r.outputUri(),
            suite,
            null,
            validation));
  }

  /** The records a model is scored on, and what identifies them for the base model cache. */
  private record Validation(List<ValidationRecord> records, String key) {
    static final Validation NONE = new Validation(List.of(), "-");
  }

  /**
   * One evaluation, however it was started.
   *
   * @param outputDir the tuned model (adapter or full model); null when the base itself is
   *     evaluated
   * @param outputUri what was evaluated, as the outcome names it
   */
  private record Subject(
      String id,
      String team,
      String jobId,
      String trigger,
      String basePrefix,
      Path baseDir,
      Path outputDir,
      String outputUri,
      Suite suite,
      GatePolicy jobGate,
      Validation validation) {}

  /**
   * The shared path: the base's evaluation (cached), the tuned model's, the gate, the stored
   * report, the outcome.
   */
  private EvaluationCompleted evaluate(Subject s) {
    Suite suite = s.suite();
    RetentionCorpus retention = RetentionCorpus.forBaseModel(s.baseDir()).orElse(null);
    EvaluationInputs in = new EvaluationInputs(s.validation().records(), retention, suite);
    EvaluationSettings settings = new EvaluationSettings(maxNewTokens, batchSize);
    ModelEvaluator evaluator = new ModelEvaluator(settings);

    String baseKey =
        String.join(
            "|",
            folders.manifestSha256(s.basePrefix()),
            s.validation().key(),
            suite == null ? "-" : suite.version(),
            settings.toString());
    Path baseDir = s.baseDir();
    ModelEvaluation base =
        baseEvaluations.get(
            baseKey,
            () -> {
              try (LoadedModel m = LoadedModel.base(baseDir)) {
                return evaluator.evaluate(m.evalModel(), in, new ProgressLog(s.id(), "base"));
              }
            });
    ModelEvaluation tuned = base;
    if (s.outputDir() != null) {
      try (LoadedModel m = LoadedModel.tuned(baseDir, s.outputDir())) {
        tuned = evaluator.evaluate(m.evalModel(), in, new ProgressLog(s.id(), "tuned"));
      }
    }
    EvaluationReport report =
        Comparison.compare(base, tuned, suite, Comparison.effectivePolicy(suite, s.jobGate()));
    String reportUri = store(s, report);
    return new EvaluationCompleted(
        s.id(),
        s.jobId(),
        s.team(),
        s.outputUri(),
        report.suite(),
        report.metrics().values(),
        report.baseMetrics().values(),
        report.deltas().values(),
        report.passed(),
        report.reasons().stream().map(GateReason::summary).toList(),
        reportUri,
        s.trigger());
  }

  /** The suite the job names, else the base model's default suite, else none. */
  private Suite suite(TrainingCompleted t, Path baseDir) {
    if (t.suite() == null || t.suite().isBlank()) {
      return defaultSuite(baseDir, t.baseModel());
    }
    return suites
        .resolve(t.team(), t.suite())
        .map(StoredSuite::suite)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "suite: team '"
                        + t.team()
                        + "' has no evaluation suite '"
                        + t.suite()
                        + "' (POST /v1/evaluation/suites stores one)"));
  }

  /**
   * A base model folder may carry its own suite ({@value #DEFAULT_SUITE_FILE}, YAML or JSON), run
   * for every job on that base that names none.
   */
  private static Suite defaultSuite(Path baseDir, String baseModel) {
    Path file = baseDir.resolve(DEFAULT_SUITE_FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      Parsed<Suite> parsed = SuiteParser.parse(Files.readString(file, StandardCharsets.UTF_8));
      if (!parsed.ok()) {
        throw new IllegalArgumentException(
            "baseModel: the default suite "
                + DEFAULT_SUITE_FILE
                + " of "
                + baseModel
                + " is invalid: "
                + parsed.errors());
      }
      return parsed.value();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private GatePolicy jobGate(Map<String, Object> config) {
    Object gate = config == null ? null : config.get(GATE_CONFIG);
    if (gate == null) {
      return null;
    }
    JsonNode node = json.valueToTree(gate);
    Parsed<GatePolicy> parsed = GatePolicy.parse(node, "config." + GATE_CONFIG);
    if (!parsed.ok()) {
      throw new IllegalArgumentException(parsed.errors().toString());
    }
    return parsed.value();
  }

  private Validation validation(String prefix, String uri) {
    return records(prefix, uri, VALIDATION_FILE);
  }

  /**
   * A curated dataset version's held-out records ({@value #VALIDATION_FILE}) when it has any, else
   * its training records: what an on-demand evaluation on that dataset scores.
   */
  private Validation datasetRecords(String prefix, String uri) {
    ArtifactManifest manifest = artifacts.manifest(prefix);
    boolean held = manifest.file(VALIDATION_FILE).map(f -> f.bytes() > 0).orElse(false);
    return records(prefix, uri, held ? VALIDATION_FILE : TRAIN_FILE);
  }

  private Validation records(String prefix, String uri, String name) {
    ArtifactManifest manifest = artifacts.manifest(prefix);
    if (manifest.file(name).isEmpty()) {
      throw new IllegalArgumentException(uri + " has no " + name);
    }
    Path scratch = folders.scratch("validation");
    try {
      Path file = artifacts.fetchFile(prefix, manifest, name, scratch.resolve(name));
      return new Validation(
          ValidationSplit.parse(uri + name, Files.readString(file, StandardCharsets.UTF_8)),
          folders.manifestSha256(prefix) + "/" + name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      cleanUp(scratch);
    }
  }

  /** Stores report.json and cases.jsonl as one artifact; returns the report's URI. */
  private String store(Subject s, EvaluationReport report) {
    Path dir = folders.scratch("report");
    try {
      Files.writeString(dir.resolve(REPORT_FILE), ReportJson.write(report));
      Files.writeString(dir.resolve(CASES_FILE), ReportJson.caseTableJsonl(report));
      String prefix = BucketLayout.evaluation(s.id());
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("team", s.team());
      if (s.jobId() != null) {
        metadata.put("job_id", s.jobId());
      }
      metadata.put("evaluation_id", s.id());
      metadata.put("trigger", s.trigger());
      metadata.put("evaluated", s.outputUri());
      artifacts.publish(dir, prefix, ArtifactKind.REPORT, metadata);
      return artifacts.objects().uri(prefix + REPORT_FILE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      cleanUp(dir);
    }
  }

  /**
   * Scratch space is removed after the outcome is known; a failure to remove it must not replace
   * that outcome (this runs in finally blocks), so it is left for the next clean-up.
   */
  private static void cleanUp(Path dir) {
    try {
      LocalArtifacts.deleteRecursively(dir);
    } catch (java.io.UncheckedIOException e) {
      // left on disk; the evaluation's result stands
    }
  }
}
