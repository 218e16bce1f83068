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
    Path outputDir = folders.fetch(outputPrefix);
    String validationKey = "-";
    List<ValidationRecord> validation = List.of();
    if (t.validationUri() != null) {
      String prefix = folders.prefixOf(t.validationUri(), "validationUri");
      validationKey = folders.manifestSha256(prefix);
      validation = validation(prefix, t.validationUri());
    }
    RetentionCorpus retention = RetentionCorpus.forBaseModel(baseDir).orElse(null);
    EvaluationInputs in = new EvaluationInputs(validation, retention, suite);
    EvaluationSettings settings = new EvaluationSettings(maxNewTokens, batchSize);
    ModelEvaluator evaluator = new ModelEvaluator(settings);

    String baseKey =
        String.join(
            "|",
            folders.manifestSha256(basePrefix),
            validationKey,
            suite == null ? "-" : suite.version(),
            settings.toString());
    ModelEvaluation base =
        baseEvaluations.get(
            baseKey,
            () -> {
              try (LoadedModel m = LoadedModel.base(baseDir)) {
                return evaluator.evaluate(m.evalModel(), in);
              }
            });
    ModelEvaluation tuned;
    try (LoadedModel m = LoadedModel.tuned(baseDir, outputDir)) {
      tuned = evaluator.evaluate(m.evalModel(), in);
    }
    EvaluationReport report =
        Comparison.compare(base, tuned, suite, Comparison.effectivePolicy(suite, jobGate));
    String reportUri = store(evaluationId, t, report);
    return new EvaluationCompleted(
        evaluationId,
        t.jobId(),
        t.team(),
        t.outputUri(),
        report.suite(),
        report.metrics().values(),
        report.baseMetrics().values(),
        report.deltas().values(),
        report.passed(),
        report.reasons().stream().map(GateReason::summary).toList(),
        reportUri);
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

  private List<ValidationRecord> validation(String prefix, String uri) {
    ArtifactManifest manifest = artifacts.manifest(prefix);
    Path scratch = folders.scratch("validation");
    try {
      Path file =
          artifacts.fetchFile(prefix, manifest, VALIDATION_FILE, scratch.resolve(VALIDATION_FILE));
      return ValidationSplit.parse(
          uri + VALIDATION_FILE, Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      cleanUp(scratch);
    }
  }

  /** Stores report.json and cases.jsonl as one artifact; returns the report's URI. */
  private String store(String id, TrainingCompleted t, EvaluationReport report) {
    Path dir = folders.scratch("report");
    try {
      Files.writeString(dir.resolve(REPORT_FILE), ReportJson.write(report));
      Files.writeString(dir.resolve(CASES_FILE), ReportJson.caseTableJsonl(report));
      String prefix = BucketLayout.evaluation(id);
      artifacts.publish(
          dir,
          prefix,
          ArtifactKind.REPORT,
          Map.of("team", t.team(), "job_id", t.jobId(), "evaluation_id", id));
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
