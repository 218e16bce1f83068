package dev.tuneforge.dataset.versions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneforge.artifact.ArtifactKind;
import dev.tuneforge.artifact.ArtifactManifest;
import dev.tuneforge.artifact.LocalArtifacts;
import dev.tuneforge.dataset.curation.CurationInput;
import dev.tuneforge.dataset.curation.CurationOptions;
import dev.tuneforge.dataset.curation.CurationPipeline;
import dev.tuneforge.dataset.curation.CurationResult;
import dev.tuneforge.dataset.curation.TokenCounter;
import dev.tuneforge.dataset.curation.WhitespaceTokenCounter;
import dev.tuneforge.dataset.files.FileObject;
import dev.tuneforge.dataset.files.FileStore;
import dev.tuneforge.dataset.tokens.Tokenizers;
import dev.tuneforge.dataset.validation.ValidationOptions;
import dev.tuneforge.platform.api.FieldError;
import dev.tuneforge.storage.artifact.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Turns a curation request into an immutable dataset version. The pipeline streams the source files
 * from the bucket into a local folder (train.jsonl, validation.jsonl, report.json), published as
 * one dataset artifact: the files are uploaded, then the manifest. The same inputs and options give
 * the same content hash, and a hash already stored returns that version instead of writing a copy.
 * Versions of one name are created one at a time (per-name lock in this process; run one
 * dataset-service replica per bucket, or shard names across replicas). A dataset belongs to the
 * team of its first version: the team is written into every manifest, and only that team's files
 * can be curated into it.
 */
@ApplicationScoped
public class Curator {

  private static final Logger LOG = Logger.getLogger(Curator.class);

  @Inject ArtifactStore artifacts;
  @Inject FileStore files;
  @Inject DatasetVersions versions;
  @Inject ObjectMapper json;
  @Inject Tokenizers tokenizers;

  @ConfigProperty(name = "tuneforge.files.max-line-bytes", defaultValue = "4194304")
  int maxLineBytes;

  static final String TRAIN = "train.jsonl";
  static final String VALIDATION = "validation.jsonl";
  static final String REPORT = "report.json";

  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * Curates {@code request} for {@code team}; never throws for bad input, which comes back as a
   * rejected outcome whose reasons name the field, file or line.
   */
  public CurationOutcome curate(String team, CurationRequest request) {
    String name = request.name();
    var badName = DatasetNames.check(name);
    if (badName.isPresent()) {
      return CurationOutcome.rejected(team, String.valueOf(name), List.of(badName.get()));
    }
    List<FieldError> reasons = new ArrayList<>();
    OptionsParser.ParsedOptions parsed = new OptionsParser(json).parse(request.options());
    reasons.addAll(parsed.errors());
    List<FileObject> train = resolve(team, request.trainingFiles(), "training_files", reasons);
    List<FileObject> validation =
        request.validationFile() == null
            ? List.of()
            : resolve(team, List.of(request.validationFile()), "validation_file", reasons);
    if (request.trainingFiles() == null || request.trainingFiles().isEmpty()) {
      reasons.add(new FieldError("training_files", "at least one file id is required"));
    }
    TokenCounter tokens = null;
    if (parsed.options() != null) {
      tokens = tokenCounter(parsed.options(), reasons);
      if (request.validationFile() != null && parsed.options().validationRatio() > 0) {
        reasons.add(
            new FieldError(
                "options.validation_ratio",
                "must be 0 when a validation_file is given, was "
                    + parsed.options().validationRatio()));
      }
    }
    if (!reasons.isEmpty()) {
      return CurationOutcome.rejected(team, name, reasons);
    }
    synchronized (locks.computeIfAbsent(name, k -> new Object())) {
      var owner = versions.team(name);
      if (owner.isPresent() && !owner.get().equals(team)) {
        // Names are one namespace in the bucket (datasets/<name>/); saying only that the name is
        // taken reveals nothing of the other team's data.
        return CurationOutcome.rejected(
            team,
            name,
            List.of(
                new FieldError(
                    "name",
                    "the dataset name '" + name + "' is already taken: choose another name")));
      }
      try {
        return write(team, name, parsed.options(), tokens, train, validation, request);
      } catch (IOException e) {
        throw new UncheckedIOException("curation of " + name + " failed: " + e.getMessage(), e);
      }
    }
  }

  private CurationOutcome write(
      String team,
      String name,
      CurationOptions options,
      TokenCounter tokens,
      List<FileObject> train,
      List<FileObject> validation,
      CurationRequest request)
      throws IOException {
    // The version's folder is built locally, then published as one artifact (manifest last).
    Path folder = Files.createTempDirectory("curation-");
    Path trainSpool = folder.resolve(TRAIN);
    Path validationSpool = folder.resolve(VALIDATION);
    List<InputStream> opened = new ArrayList<>();
    try {
      CurationResult result;
      try (OutputStream trainOut = Files.newOutputStream(trainSpool);
          OutputStream validationOut = Files.newOutputStream(validationSpool)) {
        result =
            new CurationPipeline(
                    options,
                    tokens,
                    new ValidationOptions(maxLineBytes, ValidationOptions.DEFAULT_MAX_ERRORS))
                .run(inputs(train, opened), inputs(validation, opened), trainOut, validationOut);
      } finally {
        for (InputStream in : opened) {
          in.close();
        }
      }
      int minimum =
          request.minTrainRecords() == null
              ? CurationRequest.DEFAULT_MIN_TRAIN_RECORDS
              : request.minTrainRecords();
      if (result.train().records() < minimum) {
        return CurationOutcome.rejected(
            team,
            name,
            List.of(
                new FieldError(
                    "min_train_records",
                    "only "
                        + result.train().records()
                        + " training record(s) left after curation, at least "
                        + minimum
                        + " needed (min_train_records); "
                        + dropSummary(result))));
      }
      var existing = versions.findByContentHash(name, result.contentHash());
      if (existing.isPresent()) {
        LOG.infof(
            "dataset %s: identical to %s (content hash %s), nothing stored",
            name, existing.get(), result.contentHash());
        return CurationOutcome.stored(
            team,
            name,
            existing.get(),
            false,
            versions.manifest(name, existing.get()).orElseThrow());
      }
      String version = "v" + versions.nextNumber(name);
      String prefix = DatasetVersions.prefix(name, version);
      Files.write(
          folder.resolve(REPORT),
          json.writerWithDefaultPrettyPrinter().writeValueAsBytes(result.report()));
      ArtifactManifest manifest;
      try {
        manifest =
            artifacts.publish(
                folder,
                prefix,
                ArtifactKind.DATASET,
                manifestFields(team, name, version, result, train, validation));
      } catch (RuntimeException | IOException e) {
        artifacts.delete(prefix); // no manifest was written: nothing partial was ever visible
        throw e;
      }
      LOG.infof(
          "dataset %s %s stored: %d train, %d validation records",
          name, version, result.train().records(), result.validation().records());
      return CurationOutcome.stored(team, name, version, true, manifest);
    } finally {
      LocalArtifacts.deleteRecursively(folder);
    }
  }

  private Map<String, Object> manifestFields(
      String team,
      String name,
      String version,
      CurationResult result,
      List<FileObject> train,
      List<FileObject> validation)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("version", version);
    m.put("team", team);
    m.put("content_hash", result.contentHash());
    m.put(
        "counts",
        Map.of(
            "train", result.train().records(),
            "validation", result.validation().records(),
            "read", result.report().recordsRead(),
            "dropped", result.report().recordsRead() - result.report().recordsWritten()));
    m.put("options", json.readTree(result.optionsJson()));
    List<Map<String, Object>> sources = new ArrayList<>();
    for (FileObject f : train) {
      sources.add(
          Map.of("id", f.id(), "sha256", f.sha256(), "filename", f.filename(), "split", "train"));
    }
    for (FileObject f : validation) {
      sources.add(
          Map.of(
              "id", f.id(), "sha256", f.sha256(), "filename", f.filename(), "split", "validation"));
    }
    m.put("source_files", sources);
    return m;
  }

  private static String dropSummary(CurationResult result) {
    StringBuilder sb = new StringBuilder("read " + result.report().recordsRead() + " record(s)");
    if (result.report().invalidLines() > 0) {
      sb.append(", ").append(result.report().invalidLines()).append(" invalid line(s)");
    }
    result.report().rules().stream()
        .filter(r -> r.dropped() > 0)
        .forEach(r -> sb.append(", ").append(r.rule()).append(" dropped ").append(r.dropped()));
    return sb.toString();
  }

  private List<CurationInput> inputs(List<FileObject> list, List<InputStream> opened) {
    List<CurationInput> inputs = new ArrayList<>();
    for (FileObject f : list) {
      InputStream in = files.openContent(f.id());
      opened.add(in);
      inputs.add(new CurationInput(f.id(), in));
    }
    return inputs;
  }

  /**
   * The team's processed files by id; another team's file is reported exactly like a missing one.
   */
  private List<FileObject> resolve(
      String team, List<String> ids, String field, List<FieldError> reasons) {
    List<FileObject> found = new ArrayList<>();
    if (ids == null) {
      return found;
    }
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      String param = field.equals("training_files") ? field + "[" + i + "]" : field;
      var file = id == null ? Optional.<FileObject>empty() : files.find(team, id);
      if (file.isEmpty()) {
        reasons.add(new FieldError(param, "no file '" + id + "'"));
      } else if (!"processed".equals(file.get().status())) {
        reasons.add(
            new FieldError(
                param,
                "file '"
                    + id
                    + "' ("
                    + file.get().filename()
                    + ") did not pass validation: "
                    + file.get().statusDetails()));
      } else {
        found.add(file.get());
      }
    }
    return found;
  }

  /** Token counts for the length filter; a named tokenizer must exist (no silent fallback). */
  private TokenCounter tokenCounter(CurationOptions options, List<FieldError> reasons) {
    boolean lengthFilter = options.minTokens() != null || options.maxTokens() != null;
    if (options.tokenizer() == null) {
      if (lengthFilter) {
        reasons.add(
            new FieldError(
                "options.tokenizer",
                "min_tokens/max_tokens need a tokenizer to count with"
                    + " (a base model's name, or 'whitespace')"));
      }
      return new WhitespaceTokenCounter(); // feeds only the report's histogram
    }
    String[] problem = new String[1];
    var counter = tokenizers.find(options.tokenizer(), problem);
    if (counter.isEmpty()) {
      reasons.add(new FieldError("options.tokenizer", problem[0]));
    }
    return counter.orElse(null);
  }
}
