package dev.tuneforge.trainer.request;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneforge.events.TrainingFailed;
import dev.tuneforge.events.TrainingRequested;
import dev.tuneforge.llm.model.MemoryBudget;
import dev.tuneforge.platform.api.FieldError;
import dev.tuneforge.trainer.catalog.BaseModels;
import dev.tuneforge.trainer.catalog.CuratedDatasets;
import dev.tuneforge.trainer.catalog.FileCurations;
import dev.tuneforge.trainer.catalog.UploadedFiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@code POST /v1/fine_tuning/jobs} body into an accepted {@link TrainingRequested}, or the
 * field errors that refuse it. Everything is checked before anything is published: the model exists
 * in the bucket, the dataset exists and is the caller's team's, the settings pass the job validator
 * of {@code tuneforge train} ({@link JobSettings}).
 */
@ApplicationScoped
public class JobRequests {

  static final Set<String> FIELDS =
      Set.of(
          "model",
          "training_file",
          "validation_file",
          "hyperparameters",
          "method",
          "suffix",
          "seed",
          "metadata",
          "tuneforge",
          "integrations");

  static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  static final int MAX_METADATA = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  @Inject BaseModels models;
  @Inject CuratedDatasets datasets;
  @Inject UploadedFiles files;
  @Inject FileCurations curations;

  /** The request accepted as a job, or why not. */
  public record Outcome(TrainingRequested request, List<FieldError> errors) {
    public boolean accepted() {
      return errors.isEmpty();
    }
  }

  public Outcome validate(JsonNode body, String team, String keyId) {
    try {
      return new Outcome(check(body, team, keyId), List.of());
    } catch (JobSettings.SettingsException e) {
      return new Outcome(null, List.of(e.error()));
    }
  }

  private TrainingRequested check(JsonNode body, String team, String keyId) {
    if (body == null || !body.isObject()) {
      throw fail("body", "expected a JSON object with model and training_file");
    }
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw fail(f, "unknown field; known: " + new java.util.TreeSet<>(FIELDS));
      }
    }
    JsonNode integrations = body.get("integrations");
    if (integrations != null && !integrations.isNull() && !integrations.isEmpty()) {
      throw fail("integrations", "integrations are not supported");
    }
    String modelRef = text(body, "model", true);
    String trainingRef = text(body, "training_file", true);
    String validationRef = text(body, "validation_file", false);
    String suffix = text(body, "suffix", false);
    if (suffix != null && !SUFFIX.matcher(suffix).matches()) {
      throw fail(
          "suffix", "must be 1-64 letters, digits, '-' or '_', starting with a letter or digit");
    }
    long seed = seed(body.get("seed"));
    Map<String, String> metadata = metadata(body.get("metadata"));
    JsonNode hyperparameters = body.get("hyperparameters");
    String hpField = "hyperparameters";
    JsonNode method = body.get("method");
    if (method != null && !method.isNull()) {
      if (!method.isObject()) {
        throw fail("method", "must be an object {type, supervised}");
      }
      String type = method.path("type").asText("supervised");
      if (!type.equals("supervised")) {
        throw fail(
            "method.type",
            "'" + type + "' is not supported; TuneForge runs supervised fine-tuning");
      }
      for (var it = method.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("type") && !f.equals("supervised")) {
          throw fail(
              "method." + f, "not supported for method.type supervised (use method.supervised)");
        }
      }
      JsonNode inner = method.path("supervised").path("hyperparameters");
      if (!inner.isMissingNode() && !inner.isNull()) {
        if (hyperparameters != null && !hyperparameters.isNull()) {
          throw fail(
              "hyperparameters",
              "give hyperparameters either at the top level or in"
                  + " method.supervised.hyperparameters, not both");
        }
        hyperparameters = inner;
        hpField = "method.supervised.hyperparameters";
      }
    }

    Optional<BaseModels.BaseModel> model = models.find(modelRef);
    if (model.isEmpty()) {
      throw fail(
          "model",
          "no base model '"
              + modelRef
              + "' in the bucket (models/<name>/<revision>/; publish one with tuneforge model"
              + " publish)");
    }
    if (model.get().config() == null) {
      throw fail(
          "model",
          "the config.json of base model '"
              + modelRef
              + "' cannot be used: "
              + model.get().configProblem());
    }
    CuratedDatasets.DatasetVersion training = dataset(team, trainingRef, "training_file");
    if (training.trainCount() < 1) {
      throw fail(
          "training_file",
          "dataset " + trainingRef + " has no training records",
          TrainingFailed.DATA_ERROR);
    }
    Optional<CuratedDatasets.DatasetVersion> validation =
        validationRef == null
            ? Optional.empty()
            : Optional.of(dataset(team, validationRef, "validation_file"));
    JobSettings.Resolved settings =
        JobSettings.resolve(
            hyperparameters,
            hpField,
            body.get("tuneforge"),
            seed,
            training.trainCount(),
            model.get().contextLength(),
            model.get().config(),
            MemoryBudget.limitBytes());
    return new TrainingRequested(
        newJobId(),
        model.get().name(),
        training.name(),
        training.version(),
        settings.method(),
        settings.config(),
        suffix,
        seed,
        team,
        model.get().revision(),
        validation.map(CuratedDatasets.DatasetVersion::name).orElse(null),
        validation.map(CuratedDatasets.DatasetVersion::version).orElse(null),
        settings.suite(),
        metadata.isEmpty() ? null : metadata,
        keyId,
        isFileId(trainingRef) ? trainingRef : null,
        isFileId(validationRef) ? validationRef : null);
  }

  /**
   * The curated dataset {@code ref} names: an uploaded file's id ({@code file-…}, the team's own,
   * curated with default options on the way), or a dataset {@code name@version} / {@code name}.
   */
  private CuratedDatasets.DatasetVersion dataset(String team, String ref, String field) {
    if (!isFileId(ref)) {
      return datasets
          .find(team, ref)
          .orElseThrow(
              () ->
                  fail(
                      field,
                      "no dataset '"
                          + ref
                          + "' of team '"
                          + team
                          + "' (use an uploaded file id, name or name@version)",
                      TrainingFailed.FILE_NOT_FOUND));
    }
    Optional<UploadedFiles.UploadedFile> file = files.find(team, ref);
    if (file.isEmpty()) {
      throw fail(
          field,
          "no file '" + ref + "' (upload it with POST /v1/files)",
          TrainingFailed.FILE_NOT_FOUND);
    }
    if (!file.get().processed()) {
      throw fail(
          field,
          "file '"
              + ref
              + "' ("
              + file.get().filename()
              + ") did not pass validation: "
              + file.get().statusDetails(),
          TrainingFailed.DATA_ERROR);
    }
    try {
      return curations.curate(team, ref);
    } catch (FileCurations.CurationRefused e) {
      throw fail(
          field,
          "file '" + ref + "' could not be curated with default options: " + e.getMessage(),
          TrainingFailed.DATA_ERROR);
    }
  }

  /**
   * Whether {@code r} names an uploaded file whose curated dataset the worker must find, or have
   * curated, before the job can run: {@code trainingFile}/{@code validationFile}, or a {@code
   * file-…} id as the dataset name.
   */
  public static boolean namesFiles(TrainingRequested r) {
    return trainingFileOf(r) != null || validationFileOf(r) != null;
  }

  private static String trainingFileOf(TrainingRequested r) {
    return r.trainingFile() != null
        ? r.trainingFile()
        : isFileId(r.datasetName()) ? r.datasetName() : null;
  }

  private static String validationFileOf(TrainingRequested r) {
    return r.validationFile() != null
        ? r.validationFile()
        : isFileId(r.validationName()) ? r.validationName() : null;
  }

  /**
   * {@code r} naming the curated datasets of the uploaded files it names, as the API resolves a
   * {@code file-…} id (the same checks and the same curation, awaited here): for a request
   * published straight to Kafka, whose {@code datasetName}/{@code datasetVersion} are then only
   * placeholders. A dataset the request already names that exists as the file's curated version (a
   * request the API accepted) is kept. Slow when a curation is needed: call it off the consumer.
   *
   * @throws JobSettings.SettingsException naming the field, with code {@code file_not_found},
   *     {@code data_error}, {@code invalid_request} or {@code service_unavailable} (no curation
   *     answer)
   */
  public TrainingRequested withFileDatasets(TrainingRequested r) {
    if (r.team() == null) {
      throw fail("team", "the request names no team");
    }
    String trainingFile = trainingFileOf(r);
    String validationFile = validationFileOf(r);
    CuratedDatasets.DatasetVersion training =
        trainingFile == null
            ? null
            : curated(r.team(), trainingFile, r.datasetName(), r.datasetVersion(), "training_file");
    if (training != null && training.trainCount() < 1) {
      throw fail(
          "training_file",
          "dataset " + training.name() + "@" + training.version() + " has no training records",
          TrainingFailed.DATA_ERROR);
    }
    CuratedDatasets.DatasetVersion validation =
        validationFile == null
            ? null
            : curated(
                r.team(),
                validationFile,
                r.validationName(),
                r.validationVersion(),
                "validation_file");
    return new TrainingRequested(
        r.jobId(),
        r.baseModel(),
        training == null ? r.datasetName() : training.name(),
        training == null ? r.datasetVersion() : training.version(),
        r.method(),
        r.hyperparameters(),
        r.suffix(),
        r.seed(),
        r.team(),
        r.baseRevision(),
        validation == null ? r.validationName() : validation.name(),
        validation == null ? r.validationVersion() : validation.version(),
        r.suite(),
        r.metadata(),
        r.requestedBy(),
        trainingFile == null ? r.trainingFile() : trainingFile,
        validationFile == null ? r.validationFile() : validationFile);
  }

  /** The curated dataset of {@code fileId}: the version named when it is that, else as the API. */
  private CuratedDatasets.DatasetVersion curated(
      String team, String fileId, String name, String version, String field) {
    if (fileId.equals(name) && version != null) {
      Optional<CuratedDatasets.DatasetVersion> named = datasets.find(team, name + "@" + version);
      if (named.isPresent()) {
        return named.get();
      }
    }
    try {
      return dataset(team, fileId, field);
    } catch (FileCurations.CurationUnanswered e) {
      throw fail(field, e.getMessage(), TrainingFailed.SERVICE_UNAVAILABLE);
    }
  }

  /** Uploaded files' ids; a dataset name cannot start so unless it was made from a file. */
  static boolean isFileId(String ref) {
    return ref != null && ref.startsWith("file-") && !ref.contains("@");
  }

  static String newJobId() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return "ftjob-" + HexFormat.of().formatHex(b);
  }

  private static long seed(JsonNode v) {
    if (v == null || v.isNull()) {
      return RANDOM.nextInt(Integer.MAX_VALUE); // OpenAI picks one and shows it on the job
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw fail("seed", "must be a non-negative integer, got " + v);
    }
    return v.asLong();
  }

  private static Map<String, String> metadata(JsonNode v) {
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isObject()) {
      throw fail("metadata", "must be an object of string keys and values");
    }
    if (v.size() > MAX_METADATA) {
      throw fail("metadata", "at most " + MAX_METADATA + " pairs, got " + v.size());
    }
    for (var it = v.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().isEmpty() || e.getKey().length() > 64) {
        throw fail("metadata", "keys are 1-64 characters, got '" + e.getKey() + "'");
      }
      if (!e.getValue().isTextual() || e.getValue().asText().length() > 512) {
        throw fail("metadata." + e.getKey(), "must be a string of at most 512 characters");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static String text(JsonNode body, String field, boolean required) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw fail(field, "is required");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw fail(field, "must be a non-empty string");
    }
    return v.asText();
  }

  private static JobSettings.SettingsException fail(String param, String message) {
    return new JobSettings.SettingsException(new FieldError(param, message));
  }

  private static JobSettings.SettingsException fail(String param, String message, String code) {
    return new JobSettings.SettingsException(new FieldError(param, message), code);
  }
}
